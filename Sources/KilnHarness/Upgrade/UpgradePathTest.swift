import Foundation
import KilnCore
import KilnPlatform

/// The test of one ``UpgradePath``: a machine of the old build, every upgrade test's `before`
/// phase, the update, Kiln's invariants (``UpgradeInvariants``, and a clean journal in the new
/// boot), every `after` phase. Its result is recorded with the build it updated from.
public enum UpgradePathTest {
    /// - Parameters:
    ///   - tests: the upgrade tests whose phases run on the path's machine.
    ///   - allowedJournalErrors: journal lines (substrings) at priority err that are known noise.
    public static func registered(_ path: UpgradePath, tests: [UpgradeTest], allowedJournalErrors: [String]) -> RegisteredTest {
        let configs = tests.compactMap(\.config)
        let config = configs.dropFirst().reduce(configs.first) { merged, next in merged?.merged(with: next) }
        let rollback = path.expectation.isRollback
        let from = path.from.metadata.buildID, to = path.to.metadata.buildID
        let description = rollback
            ? "\(from) updated to the broken \(to) comes back on \(from) by itself"
            : "\(from) updated to \(to) runs \(to) with its state kept"
        var flags = TestFlags()
        if rollback {
            // The broken candidate's boots fail on the console; that is what the test is about.
            flags.suppressedChecks = ["kernel-panic", "dracut-fatal", "emergency-shell"]
        }
        // A path that runs a self-test is meant to fail: it is named and tagged apart, so its
        // result never stands for the candidate's upgrade in the history the gate reads.
        let selfTest = tests.contains(where: \.isSelfTest)
        let metadata = TestMetadata(name: selfTest ? "selftest.\(path.testName)" : path.testName, description: description,
                                    timeout: .seconds(rollback ? 2400 : 1500), tags: selfTest ? ["selftest"] : path.tags,
                                    flags: flags, machine: MachineOptions(memoryMiB: 1024, cpus: 1))
        var test = RegisteredTest(metadata, config: config, location: "upgrade \(from) -> \(to)") { ctx in
            try await run(path, tests: tests, allowedJournalErrors: allowedJournalErrors, in: ctx)
        }
        test.bootImage = path.from.image
        test.expectsFailedBoots = rollback
        return test
    }

    static func run(_ path: UpgradePath, tests: [UpgradeTest], allowedJournalErrors: [String], in ctx: TestContext) async throws {
        let machine = ctx.machine
        let from = path.from.metadata, to = path.to.metadata
        let context = UpgradeContext(test: ctx, from: from, to: to, expectation: path.expectation)
        let configPath = "\(machine.artifactsDirectory)/config.ign"
        let rendered = try IgnitionConfig(parsing: String(contentsOfFile: configPath, encoding: .utf8), source: configPath)
        let paths = MachineState.ignitionPaths(of: rendered)
        let status = path.method.statusCommand

        let before = try await UpdateDriver.state(of: machine, paths: paths, statusCommand: status)
        guard before.runs(from.bootedVersion) else {
            throw TestFailure("the machine booted from \(from.buildID) does not run it: \(before.versionDescription)")
        }
        ctx.log("before: \(before.versionDescription); machine-id \(before.machineID); \(before.users.count) users, "
                + "\(paths.count) Ignition-written paths, \(before.enabledUnits.count) enabled units"
                + (before.installed.map { "; installed: \(UpgradeInvariants.describe($0))" } ?? ""))
        for test in tests {
            try await ctx.subtest("\(test.name): before") { try await test.before(context) }
        }

        let kernelStartsBefore = UpdateDriver.kernelStarts(of: machine)
        try await UpdateDriver.apply(path, to: machine, bootID: before.bootID,
                                     rebootTimeout: .seconds(context.isRollback ? 1500 : 900), log: { ctx.log($0) })
        let after = try await UpdateDriver.state(of: machine, paths: paths, statusCommand: status)
        ctx.log("after: \(after.versionDescription)" + (after.installed.map { "; installed: \(UpgradeInvariants.describe($0))" } ?? ""))
        var broken = UpgradeInvariants.check(before: before, after: after, from: from.bootedVersion, expectation: path.expectation)
        if context.isRollback {
            let failedBoots = UpdateDriver.kernelStarts(of: machine) - kernelStartsBefore - 1
            let entry = after.installed?.slots.first { $0.version == to.bootedVersion }
            ctx.log("rollback: the broken \(to.buildID) failed to boot \(max(0, failedBoots)) time(s) before \(from.buildID) came back"
                    + (entry.map { " (systemd-boot entry \($0.entry): \($0.triesDone.map(String.init) ?? "?") tries used, \($0.triesLeft.map(String.init) ?? "?") left)" } ?? ""))
            if failedBoots < 1 {
                broken.append(InvariantViolation("boot-attempts", "the console shows no failed boot of \(to.buildID): the candidate was never tried"))
            }
        }
        let errors = try await machine.check("journalctl -b -p err --no-pager -q -o short-monotonic", timeout: .seconds(60))
        let unexpected = errors.split(separator: "\n").filter { line in !allowedJournalErrors.contains { line.contains($0) } }
        if !unexpected.isEmpty {
            broken.append(InvariantViolation("clean-journal", "\(unexpected.count) error line(s) in the journal of the new boot:\n"
                                             + unexpected.prefix(20).joined(separator: "\n")))
        }
        for violation in broken { ctx.log("\(violation)") }

        for test in tests where !context.isRollback || test.runsAfterRollback {
            try await ctx.subtest("\(test.name): after") { try await test.after(context) }
        }
        _ = try? await machine.run("sudo rm -f \(Shell.quoted(path.method.guestPath))", timeout: .seconds(60))
        if !broken.isEmpty {
            throw TestFailure(broken.map(\.description).joined(separator: "\n"))
        }
    }
}

extension UpgradeContext {
    /// Whether the candidate is expected to fail and the machine to come back on the old build.
    public var isRollback: Bool { expectation.isRollback }
}
