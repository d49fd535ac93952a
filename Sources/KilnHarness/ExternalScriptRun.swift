import Foundation
import KilnCore
import KilnPlatform

/// An external test's script running in its guest, as kola runs it but without an agent: the
/// script and its `data/` go up over SFTP, the script runs as a transient systemd unit (so it
/// outlives the SSH session and has a journal of its own), and Kiln polls the unit and the
/// reboot marks of the autopkgtest interface (``AutopkgtestHelpers``) until the script ends.
struct ExternalScriptRun {
    let test: ExternalTest
    let context: TestContext
    /// The script's own limit (`timeoutMin`), from its first start, reboots included.
    let limit: Duration

    static let pollInterval: Duration = .milliseconds(500)
    /// How long a reboot the script started by itself may take to answer over SSH again.
    static let rebootTimeout: Duration = .seconds(600)

    /// How one start of the script ended.
    enum SegmentEnd {
        case passed
        case failed(String)
        case timedOut
        /// A reboot mark: Kiln reboots the machine (`/tmp/autopkgtest-reboot`), or the script
        /// does (`-prepare`), possibly already done when Kiln noticed.
        case reboot(mark: String, byScript: Bool, alreadyRebooted: Bool)
    }

    var machine: any Machine { context.machine }
    /// The machine without the activity log's entry for every command, for polling.
    var quietMachine: any Machine { (machine as? TrackedMachine)?.base ?? machine }
    var executable: String { URL(fileURLWithPath: test.script).lastPathComponent }
    /// Named after the test as run (`--multiply` copies differ), so copies never share a unit.
    var unit: String { ExternalGuestLayout.unitName(of: context.testName) }
    var stateDirectory: String { ExternalGuestLayout.stateDirectory(of: context.testName) }
    var journalFile: String { "\(context.artifactsDirectory)/unit-journal.txt" }
    /// The command whose output ``ExternalUnitState`` reads: the unit's state and the marks.
    var probe: String { "sudo -n sh -c " + Shell.quoted(ExternalUnitState.probeCommand(unit: unit, stateDirectory: stateDirectory)) }

    func run() async throws {
        try await install()
        let started = ContinuousClock.now
        var mark: String?
        while true {
            try await installHelpers()
            let bootID = try await quietMachine.check("cat /proc/sys/kernel/random/boot_id")
            try await start(mark: mark)
            context.log("started \(executable) as \(unit)" + (mark.map { " with AUTOPKGTEST_REBOOT_MARK=\($0)" } ?? ""))
            let end = try await follow(bootID: bootID, until: started + limit)
            switch end {
            case .passed:
                await collectJournal(bootID: bootID)
                await stopUnit()
                context.log("\(executable) exited with status 0")
                return
            case .failed(let reason):
                let output = await collectJournal(bootID: bootID)
                await stopUnit()
                throw TestFailure("the script \(reason)" + Self.tail(output, lines: 15))
            case .timedOut:
                context.log("\(executable) ran past its timeoutMin (\(Self.minutes(limit))); stopping \(unit)")
                await stopUnit()
                let output = await collectJournal(bootID: bootID)
                throw TestTimedOut("the script ran past its timeoutMin of \(Self.minutes(limit)) and was killed (\(unit) stopped)"
                                   + Self.tail(output, lines: 15))
            case .reboot(let next, let byScript, let alreadyRebooted):
                guard !context.sharesMachine else {
                    await stopUnit()
                    throw TestFailure("the script asked for a reboot (mark \(next)) on a machine shared with other tests")
                }
                context.log("\(executable) asked for a reboot with mark \(next)" + (byScript ? " and reboots by itself" : ""))
                if byScript {
                    if !alreadyRebooted {
                        try await machine.awaitReboot(from: bootID, timeout: Self.rebootWait(until: started + limit))
                    }
                    await collectJournal(bootID: bootID)
                } else {
                    await collectJournal(bootID: bootID)
                    try await machine.reboot()
                }
                guard ContinuousClock.now < started + limit else {
                    throw TestTimedOut("the script ran past its timeoutMin of \(Self.minutes(limit)) (while the machine rebooted for mark \(next))")
                }
                mark = next
            }
        }
    }

    // MARK: - Steps

    /// The state directory with the script and `data/` in it, owned by root in the end.
    private func install() async throws {
        let data = try test.dataDirectory.map(ExternalDataFiles.init(directory:)) ?? ExternalDataFiles()
        let directories = [stateDirectory, "\(stateDirectory)/data"] + data.directories.map { "\(stateDirectory)/data/\($0)" }
        try await quietMachine.check("sudo -n sh -c " + Shell.quoted(
            "rm -rf \(Shell.quoted(stateDirectory)) && install -d -m 0755 -o \"$SUDO_USER\" " + Shell.command(directories)))
        let script = try Data(contentsOf: URL(fileURLWithPath: test.script))
        try await quietMachine.upload([UInt8](script), to: "\(stateDirectory)/\(executable)", mode: 0o755)
        for file in data.files {
            try await quietMachine.upload(file.bytes, to: "\(stateDirectory)/data/\(file.path)", mode: file.mode)
        }
        try await quietMachine.check("sudo -n chown -R root:root " + Shell.quoted(stateDirectory))
        context.log("uploaded \(executable) and \(data.files.count) file(s) of data/ to \(stateDirectory)")
    }

    /// `/tmp/autopkgtest-reboot` and friends, for this boot.
    private func installHelpers() async throws {
        for helper in AutopkgtestHelpers.scripts(refusingReboots: context.sharesMachine) {
            try await quietMachine.upload(Array(helper.text.utf8), to: helper.path, mode: 0o755)
        }
    }

    private func start(mark: String?) async throws {
        var environment = [
            "KOLA_EXT_DATA=\(stateDirectory)/data", "KILN_EXT_DATA=\(stateDirectory)/data",
            "KOLA_TEST=\(test.name)", "KILN_TEST=\(test.name)", "KOLA_TEST_EXE=\(executable)",
            "KOLA_UNIT=\(unit)", "KILN_UNIT=\(unit)", "KILN_EXT_STATE=\(stateDirectory)",
        ]
        if let mark { environment.append("AUTOPKGTEST_REBOOT_MARK=\(mark)") }
        let run = ["systemd-run", "--quiet", "--unit=\(unit)", "--property=RemainAfterExit=yes",
                   "--property=SyslogIdentifier=kiln-ext-\(executable)", "--property=TimeoutStopSec=10"]
            + environment.map { "--setenv=\($0)" } + ["\(stateDirectory)/\(executable)"]
        let marks = ["reboot-mark", "reboot-prepared"].map { Shell.quoted("\(stateDirectory)/\($0)") }
        try await quietMachine.check("sudo -n sh -c " + Shell.quoted("rm -f \(marks.joined(separator: " ")) && " + Shell.command(run)))
    }

    /// Polls until the script ends, asks for a reboot, or runs past `deadline`.
    private func follow(bootID: String, until deadline: ContinuousClock.Instant) async throws -> SegmentEnd {
        context.activity.begin("running \(executable) as \(unit) on \(machine.id)")
        defer { context.activity.end() }
        while true {
            if ContinuousClock.now >= deadline { return .timedOut }
            let result: CommandResult
            do {
                result = try await quietMachine.run(probe, timeout: .seconds(20))
            } catch {
                if Task.isCancelled { throw error }
                return try await unexpectedReboot(from: bootID, after: error, deadline: deadline)
            }
            guard result.succeeded else { throw CommandFailed(command: probe, result: result) }
            let state = ExternalUnitState(parsing: result.stdoutText)
            if let mark = state.rebootMark { return .reboot(mark: mark, byScript: false, alreadyRebooted: false) }
            if let mark = state.preparedMark { return .reboot(mark: mark, byScript: true, alreadyRebooted: false) }
            switch state.phase {
            case .running: try await Task.sleep(for: Self.pollInterval)
            case .passed: return .passed
            case .failed(let reason): return .failed(reason)
            case .notLoaded: return .failed("is gone: systemd does not know \(unit)")
            }
        }
    }

    /// SSH broke while the script ran: the guest rebooting by itself is fine when the script
    /// prepared it with a mark (kept on `/var`, so it is read in the new boot).
    private func unexpectedReboot(from bootID: String, after error: any Error,
                                  deadline: ContinuousClock.Instant) async throws -> SegmentEnd {
        context.log("lost the connection while \(executable) ran (\(error)); waiting for a new boot")
        try await machine.awaitReboot(from: bootID, timeout: Self.rebootWait(until: deadline))
        let state = ExternalUnitState(parsing: try await machine.check(probe))
        guard let mark = state.preparedMark ?? state.rebootMark else {
            throw TestFailure("the machine rebooted while the script ran, without a reboot mark (use /tmp/autopkgtest-reboot MARK, or /tmp/autopkgtest-reboot-prepare MARK before rebooting)")
        }
        return .reboot(mark: mark, byScript: true, alreadyRebooted: true)
    }

    /// Stops the unit (SIGTERM, SIGKILL after 10 s) and with it anything the script left
    /// running, and forgets a failure, so that a shared machine stays free of failed units.
    private func stopUnit() async {
        let quoted = Shell.quoted(unit)
        _ = try? await quietMachine.run("sudo -n sh -c " + Shell.quoted("systemctl stop -- \(quoted); systemctl reset-failed -- \(quoted) 2>/dev/null; true"),
                                        timeout: .seconds(60))
    }

    /// Appends the unit's journal of boot `bootID` to `unit-journal.txt` and returns it; best
    /// effort (a boot the guest left may be gone from a volatile journal).
    @discardableResult
    private func collectJournal(bootID: String) async -> String {
        let boot = bootID.replacingOccurrences(of: "-", with: "")
        let command = "sudo -n journalctl --no-pager -o short-monotonic -b \(Shell.quoted(boot)) -u \(Shell.quoted(unit))"
        let text = (try? await quietMachine.run(command, timeout: .seconds(60)))?.stdoutText ?? ""
        let block = "-- boot \(bootID) --\n" + text
        if let handle = FileHandle(forWritingAtPath: journalFile) {
            handle.seekToEndOfFile()
            handle.write(Data(block.utf8))
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: journalFile, contents: Data(block.utf8), attributes: [.posixPermissions: 0o640])
        }
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("-- ") }
        for line in lines.suffix(200) { context.log("  | \(line)") }
        return lines.joined(separator: "\n")
    }

    // MARK: - Text

    /// The last `lines` lines of the script's output, for an error message.
    static func tail(_ output: String, lines: Int) -> String {
        guard lines > 0 else { return "" }
        let last = output.split(separator: "\n").suffix(lines)
        return last.isEmpty ? "" : "; its last output (unit-journal.txt):\n" + last.map { "  \($0)" }.joined(separator: "\n")
    }

    /// How long to wait for a reboot: ``rebootTimeout``, but not past the script's `deadline`.
    static func rebootWait(until deadline: ContinuousClock.Instant) -> Duration {
        min(rebootTimeout, max(deadline - ContinuousClock.now, .seconds(1)))
    }

    static func minutes(_ limit: Duration) -> String {
        let minutes = Int(limit.seconds / 60)
        return "\(minutes) min"
    }
}
