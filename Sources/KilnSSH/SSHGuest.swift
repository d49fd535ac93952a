import Foundation
public import KilnCore
public import KilnPlatform
public import Logging
import Synchronization

/// What a machine's hypervisor tells the SSH side: whether it is still running, why it ended,
/// and how many times the guest has reset (a reboot within the same hypervisor).
public protocol HypervisorLink: Sendable {
    /// True once the hypervisor (the QEMU process, the libvirt domain) has ended. Async: a
    /// platform may have to ask a (remote) daemon, which it does off Swift's cooperative pool.
    var hasEnded: Bool { get async }
    /// The error that explains the end: exit status, shutdown reason, console lines.
    func endedError() -> any Error
    /// Resets of the guest seen so far.
    var resetCount: Int { get }
    /// Resets the machine as its reset button would (QEMU's `system_reset`, libvirt's
    /// `virDomainReset`): for a guest stuck in a reboot, never for a running one.
    func resetHard() async throws
}

/// The part of a machine every platform shares, over SSH: logging in once the console allows
/// (checking the host key the guest printed there), commands, uploads, reboots, the boot report
/// and the journal. A platform adds how the hypervisor starts and stops.
public final class SSHGuest: Sendable {
    public let id: String
    public let artifactsDirectory: String
    public let console: ConsoleWatcher
    let target: SSHConnection.Target
    let started: ContinuousClock.Instant
    let logger: Logger
    let hypervisor: any HypervisorLink
    /// Where the machine runs, when the platform has several hosts.
    let host: String?
    /// The command line the hypervisor gave the kernel (direct kernel boot); nil when the
    /// disk's boot loader chose it.
    let kernelCommandLine: String?
    private struct State {
        var connection: SSHConnection?
        var sshReadySeconds: Double?
        var hostKey: String?
        var hostKeyMatchedConsole = false
    }
    private let state = Mutex(State())
    private let consoleTask: Task<Void, Never>

    public init(id: String, artifactsDirectory: String, console: ConsoleWatcher, target: SSHConnection.Target,
                started: ContinuousClock.Instant, logger: Logger, kernelCommandLine: String? = nil,
                hypervisor: any HypervisorLink, host: String? = nil) {
        self.host = host
        self.kernelCommandLine = kernelCommandLine
        self.id = id
        self.artifactsDirectory = artifactsDirectory
        self.console = console
        self.target = target
        self.started = started
        self.logger = logger
        self.hypervisor = hypervisor
        self.consoleTask = Task { [console] in
            while !Task.isCancelled {
                console.poll()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    public var sshPort: Int { target.port }

    // MARK: - Machine

    public func run(_ command: String, timeout: Duration?) async throws -> CommandResult {
        guard let connection = state.withLock({ $0.connection }) else { throw SSHError.closed }
        do {
            return try await connection.exec(command, timeout: timeout ?? TestMetadata.defaultTimeout)
        } catch let error as SSHError {
            switch error {
            case .timedOut, .cancelled: throw error
            default: break
            }
            // A broken connection is often the hypervisor ending (a guest panic, a crash); its
            // status and console explain it better than libssh2 does. Its end may lag a little.
            for _ in 0..<60 {
                if await hypervisor.hasEnded { throw hypervisor.endedError() }
                try? await Task.sleep(for: .milliseconds(50))
            }
            if await hypervisor.hasEnded { throw hypervisor.endedError() }
            throw error
        }
    }

    /// Reboots from inside the guest: the machine resets within the same hypervisor, and SSH
    /// is awaited in the new boot. The hypervisor's reset event says when the old boot is gone,
    /// so Kiln never mistakes the old boot's sshd, still up while the guest shuts down, for the new.
    public func reboot() async throws {
        if kernelCommandLine != nil { throw MachineError.setupFailed(machine: id, DirectKernelBoot.rebootRefusal) }
        let before = try await check("cat /proc/sys/kernel/random/boot_id")
        let resets = hypervisor.resetCount
        let keyLines = console.hostKeyLines
        logger.info("rebooting", metadata: ["machine": "\(id)"])
        // The connection may drop before the command returns: that is the reboot working.
        let watchdog = RebootWatchdog(machine: id, console: console, hypervisor: hypervisor, logger: logger)
        _ = try? await run("sudo systemctl reboot", timeout: .seconds(30))
        await closeConnection()
        let (connection, reset) = try await watchdog.guarding {
            let deadline = ContinuousClock.now + .seconds(300)
            while self.hypervisor.resetCount == resets {
                if await self.hypervisor.hasEnded { throw self.hypervisor.endedError() }
                guard ContinuousClock.now < deadline else {
                    throw MachineError.setupFailed(machine: self.id, "the guest did not reset within 300s of `systemctl reboot`")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let reset = ContinuousClock.now
            let connection = try await self.within(Self.rebootLimit, doing: "logging in after the guest's reset" + watchdog.note, since: reset) {
                try await self.waitForSSH(recordReadiness: false, keyLinesBefore: keyLines)
            }
            return (connection, reset)
        }
        state.withLock { $0.connection = connection }
        let after = try await check("cat /proc/sys/kernel/random/boot_id")
        guard after != before else {
            throw MachineError.setupFailed(machine: id, "the machine reset but reports the same boot id \(after)")
        }
        logger.info("back after reboot", metadata: ["machine": "\(id)", "seconds": "\(String(format: "%.1f", (ContinuousClock.now - reset).seconds))"])
    }

    /// How long a reset guest has to answer over SSH again: a boot under TCG takes 40-100 s.
    static let rebootLimit: Duration = .seconds(420)

    /// The guest reboots by itself: the connection breaks (or an old-boot sshd still answers
    /// while it shuts down), so Kiln logs in again until the boot id changes.
    public func awaitReboot(from bootID: String, timeout: Duration) async throws {
        if kernelCommandLine != nil { throw MachineError.setupFailed(machine: id, DirectKernelBoot.rebootRefusal) }
        await closeConnection()
        let deadline = ContinuousClock.now + timeout
        let keyLines = console.hostKeyLines
        let watchdog = RebootWatchdog(machine: id, console: console, hypervisor: hypervisor, logger: logger)
        logger.info("awaiting the guest's own reboot", metadata: ["machine": "\(id)"])
        try await watchdog.guarding {
            while true {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    throw MachineError.setupFailed(machine: self.id, "no new boot answered over SSH within \(Int(timeout.seconds))s of the guest's reboot" + watchdog.note)
                }
                let connection = try await self.within(remaining, doing: "awaiting the guest's own reboot" + watchdog.note, since: deadline - timeout) {
                    try await self.waitForSSH(recordReadiness: false, keyLinesBefore: keyLines)
                }
                let now = try? await connection.exec("cat /proc/sys/kernel/random/boot_id", timeout: .seconds(30))
                if let now, now.succeeded, !now.stdoutText.isEmpty, now.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) != bootID {
                    self.state.withLock { $0.connection = connection }
                    self.logger.info("back after the guest's reboot", metadata: ["machine": "\(self.id)"])
                    return
                }
                await connection.close()
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    public func upload(_ bytes: [UInt8], to path: String, mode: Int32) async throws {
        guard let connection = state.withLock({ $0.connection }) else { throw SSHError.closed }
        try await connection.upload(bytes, to: path, mode: mode, timeout: .seconds(120))
    }

    public func bootReport() -> MachineReport {
        state.withLock { state in
            MachineReport(id: id, directory: artifactsDirectory, sshReadySeconds: state.sshReadySeconds,
                          bootPhases: console.phases, hostKey: state.hostKey, hostKeyMatchedConsole: state.hostKeyMatchedConsole,
                          sshAddress: "\(target.host):\(target.port)", sshUser: target.user, host: host,
                          kernelCommandLine: kernelCommandLine)
        }
    }

    // MARK: - Lifecycle

    /// Waits until SSH logs in, failing fast on a console that shows a failed boot or on the
    /// hypervisor's end. Polls every second until the boot has printed its host key (the guest
    /// does so just before sshd starts), then every 200 ms, so readiness is seen within a
    /// fraction of a second without filling the user-mode network with attempts the guest
    /// cannot answer yet: those queue up while it boots and reach its sshd all at once, past its
    /// MaxStartups. A guest that prints no key is polled every second throughout.
    /// - Parameter keyLinesBefore: host-key lines the console had before this boot.
    @discardableResult
    public func waitForSSH(recordReadiness: Bool = true, keyLinesBefore: Int = 0) async throws -> SSHConnection {
        var lastError: (any Error)?
        var refusedSince: ContinuousClock.Instant?
        while true {
            try Task.checkCancellation()
            console.poll()
            if let fatal = console.fatal { throw MachineError.bootFailed(machine: id, fatal, console: console.path) }
            if await hypervisor.hasEnded { throw hypervisor.endedError() }
            do {
                // The guest prints its host key on the console before sshd starts: a server
                // presenting another key is not this machine. Guests that print none are trusted.
                let console = self.console
                let connection = try await SSHConnection.connect(
                    to: target, bannerTimeout: .seconds(2), timeout: .seconds(120),
                    acceptHostKey: { key in
                        console.poll()
                        return console.hostKeys.isEmpty || console.hostKeys.contains(key)
                    })
                let matched = console.hostKeys.contains(connection.hostKey)
                if recordReadiness {
                    let seconds = (ContinuousClock.now - started).seconds
                    state.withLock {
                        $0.connection = connection
                        $0.sshReadySeconds = seconds
                        $0.hostKey = connection.hostKey
                        $0.hostKeyMatchedConsole = matched
                    }
                    logger.info("SSH ready", metadata: ["machine": "\(id)", "seconds": "\(String(format: "%.1f", seconds))"])
                }
                return connection
            } catch let error as SSHError {
                if case .cancelled = error { throw CancellationError() }
                if case .hostKeyRejected(let presented) = error {
                    throw MachineError.setupFailed(
                        machine: id, "SSH host key \(presented) differs from the key the guest printed on its console (\(console.hostKeys.joined(separator: ", "))): refusing to log in")
                }
                // sshd answers but refuses Kiln's key: wrong login user or a config that lost the
                // key. Keys are in place before sshd starts, so this does not heal; say so early.
                if case .libssh2(let operation, _, _) = error, operation.hasPrefix("public-key login") {
                    let since = refusedSince ?? .now
                    refusedSince = since
                    if ContinuousClock.now - since > .seconds(30) {
                        throw MachineError.setupFailed(
                            machine: id, "SSH answers on \(target.host):\(target.port) but has refused Kiln's key for user \(target.user) for 30s: \(error)")
                    }
                }
                if lastError.map({ "\($0)" }) != "\(error)" {
                    logger.debug("SSH not ready", metadata: ["machine": "\(id)", "reason": "\(error)"])
                }
                lastError = error
            }
            try await Task.sleep(for: console.hostKeyLines > keyLinesBefore ? .milliseconds(200) : .seconds(1))
        }
    }

    /// Saves the guest's journal as `journal.txt` next to its console, while the machine still
    /// answers. Best effort: a machine that no longer answers leaves only its console.
    public func saveJournal() async {
        let ended = await hypervisor.hasEnded
        guard !ended, let connection = state.withLock({ $0.connection }) else { return }
        guard let journal = try? await connection.exec("journalctl --no-pager -o short-monotonic", timeout: .seconds(30)),
            journal.succeeded
        else { return }
        _ = FileManager.default.createFile(atPath: "\(artifactsDirectory)/journal.txt", contents: Data(journal.stdout),
                                           attributes: [.posixPermissions: 0o640])
    }

    /// Logs out of the current SSH connection, if there is one; commands fail until the next.
    public func closeConnection() async {
        let connection = state.withLock { state -> SSHConnection? in
            defer { state.connection = nil }
            return state.connection
        }
        await connection?.close()
    }

    /// Stops following the console; the last of it is read.
    public func finish() {
        consoleTask.cancel()
        console.finish()
    }

    private func check(_ command: String) async throws -> String {
        let result = try await run(command, timeout: .seconds(60))
        guard result.succeeded else { throw CommandFailed(command: command, result: result) }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `body`, or an error naming the machine once `limit` has passed.
    /// `body`, or an error after `limit` that says what was being done and what the console
    /// showed last.
    private func within<T: Sendable>(_ limit: Duration, doing what: @autoclosure () -> String, since: ContinuousClock.Instant,
                                     _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                console.poll()
                let waited = Int((ContinuousClock.now - since).seconds)
                throw MachineError.setupFailed(
                    machine: id, "SSH did not answer within \(waited)s (\(what())); the console's last lines:\n\(console.tail(lines: 15))")
            }
            return value
        }
    }
}
