import Foundation
import KilnCore
import KilnPlatform
import KilnSSH
import Logging

/// A machine running in a QEMU child process of Kiln: the SSH side is ``SSHGuest``; this adds
/// what only QEMU knows (its process, its monitor) and how it stops.
final class QEMUMachine: GuestMachine {
    let guest: SSHGuest
    private let process: ChildProcess
    private let qmp: QMPClient
    private let logger: Logger

    init(id: String, artifactsDirectory: String, process: ChildProcess, qmp: QMPClient, console: ConsoleWatcher,
         sshTarget: SSHConnection.Target, started: ContinuousClock.Instant, kernelCommandLine: String? = nil, logger: Logger) {
        self.process = process
        self.qmp = qmp
        self.logger = logger
        self.guest = SSHGuest(id: id, artifactsDirectory: artifactsDirectory, console: console, target: sshTarget,
                              started: started, logger: logger, kernelCommandLine: kernelCommandLine,
                              hypervisor: QEMULink(id: id, artifactsDirectory: artifactsDirectory, process: process, qmp: qmp,
                                                   console: console))
    }

    var pid: Int32 { process.pid }
    var sshPort: Int { guest.sshPort }

    // MARK: - Lifecycle

    /// Logs out, stops QEMU (monitor `quit`, then SIGTERM, then SIGKILL) and waits for it.
    func destroy() async {
        await guest.closeConnection()
        if process.exitStatus == nil {
            let quit = Task { [qmp] in _ = try? await qmp.execute("quit") }
            let killer = Task { [process] in
                try await Task.sleep(for: .seconds(3))
                process.send(SIGTERM)
                try await Task.sleep(for: .seconds(5))
                process.send(SIGKILL)
            }
            _ = await process.waitForExit()
            killer.cancel()
            quit.cancel()
        }
        guest.finish()
        qmp.shutdownWrites()
        logger.debug("destroyed", metadata: ["machine": "\(id)"])
    }
}

/// QEMU as the SSH side sees it: its process's exit, its monitor's `RESET` events.
struct QEMULink: HypervisorLink {
    let id: String
    let artifactsDirectory: String
    let process: ChildProcess
    let qmp: QMPClient
    let console: ConsoleWatcher

    var hasEnded: Bool { process.exitStatus != nil }
    var resetCount: Int { qmp.events.count { $0.name == "RESET" } }

    func resetHard() async throws {
        _ = try await qmp.execute("system_reset")
    }

    func endedError() -> any Error {
        console.finish()
        if let fatal = console.fatal { return MachineError.bootFailed(machine: id, fatal, console: console.path) }
        let log = (try? String(contentsOfFile: "\(artifactsDirectory)/qemu.log", encoding: .utf8)) ?? ""
        var how = process.exitStatus.map { "\($0)" } ?? "running"
        if let shutdown = qmp.events.last(where: { $0.name == "SHUTDOWN" }),
            let reason = shutdown.data?["reason"]?.stringValue
        {
            how += ", shutdown reason: \(reason)"
        }
        return MachineError.hypervisorExited(machine: id, status: how, log: log.trimmingCharacters(in: .whitespacesAndNewlines),
                                             consoleTail: console.tail(lines: 15))
    }
}
