import Foundation
import KilnCore
import KilnPlatform
import KilnSSH
import Logging
import Synchronization

/// A machine running in a QEMU child process of Kiln.
final class QEMUMachine: Machine {
    let id: String
    let artifactsDirectory: String
    private let process: ChildProcess
    private let qmp: QMPClient
    private let console: ConsoleWatcher
    private let sshTarget: SSHConnection.Target
    private let started: ContinuousClock.Instant
    private let logger: Logger
    private struct State {
        var connection: SSHConnection?
        var sshReadySeconds: Double?
    }
    private let state = Mutex(State())
    private let consoleTask: Task<Void, Never>

    init(id: String, artifactsDirectory: String, process: ChildProcess, qmp: QMPClient, console: ConsoleWatcher,
         sshTarget: SSHConnection.Target, started: ContinuousClock.Instant, logger: Logger) {
        self.id = id
        self.artifactsDirectory = artifactsDirectory
        self.process = process
        self.qmp = qmp
        self.console = console
        self.sshTarget = sshTarget
        self.started = started
        self.logger = logger
        self.consoleTask = Task { [console] in
            while !Task.isCancelled {
                console.poll()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    var pid: Int32 { process.pid }
    var sshPort: Int { sshTarget.port }

    // MARK: - Machine

    func run(_ command: String, timeout: Duration?) async throws -> CommandResult {
        guard let connection = state.withLock({ $0.connection }) else { throw SSHError.closed }
        do {
            return try await connection.exec(command, timeout: timeout ?? TestMetadata.defaultTimeout)
        } catch let error as SSHError {
            // A dead QEMU explains a broken connection better than libssh2 does.
            if let status = process.exitStatus { throw exitedError(status) }
            throw error
        }
    }

    /// Reboots from inside the guest: the machine resets within the same QEMU, and SSH is
    /// awaited in the new boot. The monitor's `RESET` event says when the old boot is gone, so
    /// Kiln never mistakes the old boot's sshd, still up while the guest shuts down, for the new.
    func reboot() async throws {
        let before = try await check("cat /proc/sys/kernel/random/boot_id", timeout: .seconds(60))
        let resets = qmp.events.count { $0.name == "RESET" }
        logger.info("rebooting", metadata: ["machine": "\(id)"])
        // The connection may drop before the command returns: that is the reboot working.
        _ = try? await run("sudo systemctl reboot", timeout: .seconds(30))
        if let old = state.withLock({ state -> SSHConnection? in
            defer { state.connection = nil }
            return state.connection
        }) {
            await old.close()
        }
        let deadline = ContinuousClock.now + .seconds(300)
        while qmp.events.count(where: { $0.name == "RESET" }) == resets {
            if let status = process.exitStatus { throw exitedError(status) }
            guard ContinuousClock.now < deadline else {
                throw MachineError.setupFailed(machine: id, "the guest did not reset within 300s of `systemctl reboot`")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let connection = try await waitForSSH(recordReadiness: false)
        state.withLock { $0.connection = connection }
        let after = try await check("cat /proc/sys/kernel/random/boot_id", timeout: .seconds(60))
        guard after != before else {
            throw MachineError.setupFailed(machine: id, "the machine reset but reports the same boot id \(after)")
        }
        logger.info("back after reboot", metadata: ["machine": "\(id)"])
    }

    func bootReport() -> MachineReport {
        MachineReport(id: id, directory: artifactsDirectory, sshReadySeconds: state.withLock { $0.sshReadySeconds },
                      bootPhases: console.phases)
    }

    // MARK: - Lifecycle

    /// Waits until SSH logs in, failing fast on a console that shows a failed boot or on QEMU's
    /// end. Polls every 200 ms, so readiness is seen within a fraction of a second.
    @discardableResult
    func waitForSSH(recordReadiness: Bool = true) async throws -> SSHConnection {
        var lastError: (any Error)?
        while true {
            try Task.checkCancellation()
            console.poll()
            if let fatal = console.fatal { throw MachineError.bootFailed(machine: id, fatal, console: console.path) }
            if let status = process.exitStatus { throw exitedError(status) }
            do {
                let connection = try await SSHConnection.connect(to: sshTarget, bannerTimeout: .seconds(2),
                                                                 timeout: .seconds(120))
                if recordReadiness {
                    let seconds = (ContinuousClock.now - started).seconds
                    state.withLock {
                        $0.connection = connection
                        $0.sshReadySeconds = seconds
                    }
                    logger.info("SSH ready", metadata: ["machine": "\(id)", "seconds": "\(String(format: "%.1f", seconds))"])
                }
                return connection
            } catch let error as SSHError {
                if case .cancelled = error { throw CancellationError() }
                if lastError.map({ "\($0)" }) != "\(error)" {
                    logger.debug("SSH not ready", metadata: ["machine": "\(id)", "reason": "\(error)"])
                }
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func exitedError(_ status: ProcessExitStatus) -> any Error {
        console.finish()
        if let fatal = console.fatal { return MachineError.bootFailed(machine: id, fatal, console: console.path) }
        let log = (try? String(contentsOfFile: "\(artifactsDirectory)/qemu.log", encoding: .utf8)) ?? ""
        var how = "\(status)"
        if let shutdown = qmp.events.last(where: { $0.name == "SHUTDOWN" }),
            let reason = shutdown.data?["reason"]?.stringValue
        {
            how += ", shutdown reason: \(reason)"
        }
        return MachineError.hypervisorExited(machine: id, status: how, log: log.trimmingCharacters(in: .whitespacesAndNewlines),
                                             consoleTail: console.tail(lines: 15))
    }

    /// Kills QEMU at once (from a cancellation handler: no waiting here).
    func kill() {
        process.send(SIGKILL)
    }

    /// Logs out, stops QEMU (monitor `quit`, then SIGTERM, then SIGKILL) and waits for it.
    func destroy() async {
        if let connection = state.withLock({ state -> SSHConnection? in
            defer { state.connection = nil }
            return state.connection
        }) {
            await connection.close()
        }
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
        consoleTask.cancel()
        console.finish()
        qmp.shutdownWrites()
        logger.debug("destroyed", metadata: ["machine": "\(id)"])
    }
}
