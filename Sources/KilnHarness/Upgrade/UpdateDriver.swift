import Foundation
public import KilnCore
public import KilnPlatform

/// What Kiln does to a machine to update it, the OS's own way (the build's `kiln.update`):
/// reads its state, puts the payload in the guest, runs the update command, reboots, waits
/// for the new boot.
public enum UpdateDriver {
    /// Where the state probe's script goes in the guest.
    static let probePath = "/tmp/kiln-state-probe.sh"

    /// The machine's state (``MachineState``), with `paths` (the Ignition-written ones)
    /// fingerprinted and, when the build has one, the status command's answer.
    public static func state(of machine: any Machine, paths: [String], statusCommand: String?) async throws -> MachineState {
        // Uploaded, not given on the command line: the test's log shows one short command.
        let script = MachineStateProbe.script(paths: paths)
        try await machine.upload(Array(script.utf8), to: probePath, mode: 0o644)
        // Read once the boot is over: units still starting are neither enabled-and-running nor failed yet.
        let settled = try await machine.run("timeout 300 systemctl is-system-running --wait", timeout: .seconds(330))
        let systemState = settled.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard ["running", "degraded"].contains(systemState) else {
            throw TestFailure("the machine's boot did not finish within 300s (systemctl is-system-running: \(systemState.isEmpty ? "no answer" : systemState))")
        }
        let output = try await machine.check("sudo -n bash \(probePath)", timeout: .seconds(120))
        var installed: UpdateStatus?
        if let statusCommand {
            let text = try await machine.check(statusCommand, timeout: .seconds(60))
            installed = try UpdateStatus(json: text, source: "`\(statusCommand)` on \(machine.id)")
        }
        return try MachineStateProbe.parse(output, installed: installed, machine: machine.id)
    }

    /// Uploads the payload, runs the update command, reboots and waits until SSH answers in a
    /// new boot (after a rollback that can take several failed boots: `rebootTimeout`).
    /// `log` hears each step with its time.
    public static func apply(_ path: UpgradePath, to machine: any Machine, bootID: String, rebootTimeout: Duration,
                             log: @Sendable (String) -> Void) async throws {
        let method = path.method
        var step = ContinuousClock.now
        func took() -> String {
            let seconds = (ContinuousClock.now - step).seconds
            step = .now
            return String(format: "%.1fs", seconds)
        }
        guard let payload = FileManager.default.contents(atPath: path.payloadPath) else {
            throw TestFailure("cannot read the update payload \(path.payloadPath)")
        }
        try await machine.upload(Array(payload), to: method.guestPath, mode: 0o644)
        log("uploaded the payload of \(path.to.metadata.buildID) (\(payload.count / 1_048_576) MiB) to \(method.guestPath) in \(took())")
        let applied = try await machine.run(method.command, timeout: .seconds(900))
        let output = (applied.stdoutText + applied.stderrText).trimmingCharacters(in: .whitespacesAndNewlines)
        guard applied.succeeded else {
            throw TestFailure("the update command `\(method.command)` failed (\(applied.exitSignal.map { "SIG\($0)" } ?? "status \(applied.exitStatus ?? -1)")):\n\(output)")
        }
        log("`\(method.command)` in \(took()):\n" + output.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        // The connection may drop before the command returns: that is the reboot working.
        _ = try? await machine.run("sudo systemctl reboot", timeout: .seconds(30))
        try await machine.awaitReboot(from: bootID, timeout: rebootTimeout)
        log("rebooted; SSH answered in the new boot after \(took())")
    }

    /// How many times a kernel started on the machine's console so far.
    public static func kernelStarts(of machine: any Machine) -> Int {
        guard let console = try? String(contentsOfFile: "\(machine.artifactsDirectory)/console.txt", encoding: .utf8) else { return 0 }
        return console.components(separatedBy: "Linux version ").count - 1
    }
}
