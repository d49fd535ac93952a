import ArgumentParser
import Foundation
import KilnChecks
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnResults
import KilnSSH
import Logging

/// `kiln run-upgrade`: boots older builds, updates each to the candidate the OS's own way,
/// checks what the update must keep, runs the upgrade tests' phases around it.
struct RunUpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-upgrade",
        abstract: "Test updating machines of older builds to a build.",
        discussion: """
            Each older build is one test, upgrade.from-<version> (upgrade.rollback.from-<version> for a broken \
            candidate): a machine boots it with the upgrade tests' configs, their `before` phases run, Kiln applies the \
            candidate's update (meta.json "kiln.update": upload the payload, run the command, reboot, wait for the new \
            boot), checks its invariants (the candidate booted, machine-id, users, Ignition-written files and enabled \
            units unchanged, no failed unit, a clean journal, the old build kept for rollback), then the tests' `after` \
            phases run. A candidate marked "kiln.broken" must instead fail to boot and come back on the old build by itself. \
            Results are recorded with the build each machine updated from (the gate's upgrade-from-current). \
            Exit status: 0 all passed, 1 one failed, 2 bad input (nothing started), 130/143 interrupted.
            """)

    @Argument(help: "Upgrade tests to run (globs over upgrade.state, upgrade.ignition); all when none is given.")
    var patterns: [String] = []

    @Option(help: "The candidate: a version in the work directory's build store, or a path to a build.")
    var build: String

    @Option(help: "Update from this build (a version beside the candidate or in the store). Repeatable.")
    var from: [String] = []

    @Flag(help: "Update from the candidate's parent: meta.json's parent version, else the stream's newest older release. The default without --from or --matrix.")
    var findParent = false

    @Flag(help: "Update from N-1, N-2 and the oldest release of the stream (its release index in the work directory; without one, the builds beside the candidate), in parallel.")
    var matrix = false

    @Option(help: "The stream whose releases --matrix and --find-parent read. Default: the candidate's.")
    var stream: String?

    @Option(help: "What the update must end in: update (the candidate runs) or rollback (it fails to boot and the old build comes back). Default: rollback for a build marked kiln.broken, else update.")
    var expect: String?

    @Option(help: "Where the run's artifacts and reports go; must not exist or be empty. Default: _kiln/upgrade-<time>-<pid>.")
    var outputDir: String?

    @Option(help: "How many updates run at once: a number, or auto (the host's CPUs). Memory and CPUs bound it further.")
    var parallel: String = "auto"

    @Option(help: "Accelerator: auto (KVM only where it really runs guests), kvm or tcg.")
    var accel: String = "auto"

    @Flag(name: .shortAndLong, help: "Log machine lifecycle events to standard error.")
    var verbose = false

    @Option(name: .customLong("expect-image-sha256"), help: .hidden)
    var expectImageSHA256: String?

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        RunSession.bootstrapLogging(verbose ? .info : .warning)
        let logger = Logger(label: "kiln")
        let (plan, tests, output, accelerator, reason, parallelCount, budget) = try prepare()
        let printer = ProgressPrinter(total: plan.paths.count)
        let candidate = plan.candidate.metadata
        printer.say("kiln: candidate \(candidate.buildID) (\(candidate.name), \(candidate.architecture)); update payload sha256 verified")
        printer.say("kiln: updating from \(plan.paths.map { "\($0.from.metadata.buildID) (\($0.roles.joined(separator: ", ")))" }.joined(separator: ", ")); builds from \(plan.origin)")
        printer.say("kiln: upgrade tests: \(tests.map(\.name).joined(separator: ", ")); expecting \(plan.paths.first.map { $0.expectation.isRollback ? "a rollback" : "the candidate to boot" } ?? "")")
        printer.say("kiln: accelerator \(accelerator.rawValue): \(reason)")
        try ArtifactDirectory.create(output)
        RunOutputDirectory.linkLatest(output)

        let (key, identityFile) = RunSession.key(output: output)
        defer { if let identityFile { try? FileManager.default.removeItem(atPath: identityFile) } }
        let platform: QEMUPlatform
        do {
            platform = try QEMUPlatform(image: plan.candidate.image, accelerator: accelerator, sshKey: key, logger: logger)
        } catch {
            throw RunCommand.fail("\(error)", status: 2)
        }
        let registered = plan.paths.map { UpgradePathTest.registered($0, tests: tests, allowedJournalErrors: UpgradeChecks.expectedJournalErrors) }
        let recorder: ResultsRecorder
        do {
            let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir.path))
            recorder = try ResultsRecorder(
                database: database,
                run: RunStart(build: candidate.buildID, stream: stream ?? candidate.stream, arch: candidate.architecture,
                              platform: platform.name, kilnVersion: Kiln.version, outputDirectory: output),
                tags: Dictionary(registered.map { ($0.metadata.name, $0.metadata.tags) }, uniquingKeysWith: { first, _ in first }),
                upgradeFrom: Dictionary(zip(registered, plan.paths).map { ($0.metadata.name, $1.from.metadata.buildID) },
                                        uniquingKeysWith: { first, _ in first }),
                forwardingTo: printer, onError: { printer.say("kiln: warning: results database: \($0)") })
        } catch {
            throw RunCommand.fail("results database in \(workdir.path): \(error)", status: 2)
        }
        let renderer = MachineConfigRenderer(image: plan.candidate.image, sshPublicKey: key.publicKeyLine, appended: [])
        let runner = TestRunner(platform: platform, renderer: renderer, outputDirectory: output,
                                options: RunOptions(parallel: parallelCount, sshIdentityFile: identityFile),
                                budget: budget, logger: logger, observer: recorder)
        let startedAt = ISO8601DateFormatter().string(from: Date())
        let clock = ContinuousClock.now
        let (ran, signal) = try await withSignalCancellation { await runner.run(registered) }
        printer.finish()
        var report = RunReport(
            platform: platform.name, version: Kiln.version,
            build: BuildReference(id: candidate.buildID, name: candidate.name, architecture: candidate.architecture,
                                  imageSHA256: plan.candidate.imageSHA256),
            accelerator: accelerator.rawValue, startedAt: startedAt, durationSeconds: (ContinuousClock.now - clock).seconds,
            tests: ran, hostMemoryMiB: budget.totalMemoryMiB, hostCPUs: budget.totalCPUs)
        report.invocation = RunInvocation(command: Self.configuration.commandName ?? "run-upgrade", arguments: arguments,
                                          workingDirectory: FileManager.default.currentDirectoryPath)
        try ReportWriter(report: report, directory: output).writeAll()
        do {
            try recorder.finish(report, interrupted: signal != nil)
        } catch {
            printer.say("kiln: warning: results database: \(error)")
        }
        printer.say(RunSummary(report: report).text + "; reports in \(output)/")
        if let signal { throw ExitCode(128 + signal) }
        if report.result != TestOutcome.pass { throw ExitCode(1) }
    }

    /// Checks every input; a bad one ends the run here (exit status 2), with nothing created.
    private func prepare() throws -> (UpgradePlan, [UpgradeTest], String, Accelerator, String, Int, ResourceBudget) {
        do {
            guard let request = AcceleratorRequest(rawValue: accel) else {
                throw InputError("--accel must be auto, kvm or tcg, got '\(accel)'")
            }
            var expectRollback: Bool?
            switch expect {
            case nil: expectRollback = nil
            case "update": expectRollback = false
            case "rollback": expectRollback = true
            case let other?: throw InputError("--expect must be update or rollback, got '\(other)'")
            }
            let tests = try UpgradeChecks.selected(patterns)
            let plan = try UpgradePlan.resolve(build: build, from: from, findParent: findParent, matrix: matrix, stream: stream,
                                               expectRollback: expectRollback, workdir: workdir.path)
            try RunSession.checkSameBuild(plan.candidate, expected: expectImageSHA256)
            let budget = ResourceBudget(totalMemoryMiB: HostResources.availableMemoryMiB(), totalCPUs: HostResources.cpus())
            let parallelCount = try RunSession.parallelCount(parallel, cpus: budget.totalCPUs)
            let output = outputDir ?? RunOutputDirectory.defaultPath(prefix: "upgrade")
            try RunOutputDirectory.check(output)
            let (accelerator, reason) = HostProbe.virtualization().choose(request)
            return (plan, tests, output, accelerator, reason, max(1, min(parallelCount, plan.paths.count)), budget)
        } catch let error as InputError {
            throw RunCommand.fail(error.message, status: 2)
        } catch let error as BuildMetadataError {
            throw RunCommand.fail("\(error)", status: 2)
        } catch let error as SelectionError {
            throw RunCommand.fail("\(error)", status: 2)
        } catch let error as StreamFileError {
            throw RunCommand.fail("\(error)", status: 2)
        }
    }
}
