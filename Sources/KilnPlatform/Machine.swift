public import KilnCore
import Foundation

/// The output of a command run in a machine.
public struct CommandResult: Sendable, Equatable {
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// The exit status; nil when the command was killed by a signal.
    public var exitStatus: Int32?
    /// The signal's name (`KILL`, `SEGV`) when the command was killed by one.
    public var exitSignal: String?

    public init(stdout: [UInt8], stderr: [UInt8], exitStatus: Int32?, exitSignal: String?) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
    }

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    public var succeeded: Bool { exitStatus == 0 }
}

/// A booted machine a test talks to. Its lifetime is the scope of `Platform.withMachines`.
public protocol Machine: Sendable {
    /// A short unique name, e.g. `basic.ssh-m0-3f2a`.
    var id: String { get }
    /// Where this machine's artifacts go (console, config, QEMU command line).
    var artifactsDirectory: String { get }

    /// Runs `command` through the login user's shell and returns its output and status.
    /// - Parameter timeout: the command's own limit; the test's deadline applies anyway.
    func run(_ command: String, timeout: Duration?) async throws -> CommandResult

    /// Reboots the machine from inside the guest and waits until SSH answers in the new boot.
    func reboot() async throws

    /// Waits for a reboot the guest started by itself (a test script calling `reboot`): returns
    /// once SSH answers in a boot whose id is not `bootID`.
    /// - Throws: when no new boot answers within `timeout`, or the hypervisor ends.
    func awaitReboot(from bootID: String, timeout: Duration) async throws

    /// Writes `bytes` to `path` in the guest over SFTP, as the login user, creating or replacing
    /// the file with `mode`. The directory must exist and be writable by the login user.
    func upload(_ bytes: [UInt8], to path: String, mode: Int32) async throws

    /// Milestones seen on the console so far, and when SSH first answered.
    func bootReport() -> MachineReport
}

extension Machine {
    /// Runs `command` and returns its standard output with a trailing newline removed; a non-zero
    /// status is an error that quotes the command, its status and its standard error.
    @discardableResult
    public func check(_ command: String, timeout: Duration? = nil) async throws -> String {
        let result = try await run(command, timeout: timeout)
        guard result.succeeded else { throw CommandFailed(command: command, result: result) }
        var text = result.stdoutText
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// A command that ended with a non-zero status.
public struct CommandFailed: Error, Sendable, CustomStringConvertible {
    public var command: String
    public var result: CommandResult

    public init(command: String, result: CommandResult) {
        self.command = command
        self.result = result
    }

    public var description: String {
        let how = result.exitSignal.map { "was killed by SIG\($0)" } ?? "exited with status \(result.exitStatus ?? -1)"
        var text = "command `\(command)` \(how)"
        let stderr = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !stderr.isEmpty { text += "; stderr: \(stderr)" }
        return text
    }
}
