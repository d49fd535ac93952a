import Foundation
import KilnCore
import KilnPlatform
import KilnSSH
import Logging

/// A machine in a transient libvirt domain: the SSH side is ``SSHGuest``; this adds the domain
/// and how it stops. Its libvirt calls (state, destroy), which block until the daemon answers
/// (for a remote host, a round trip; for a lost one, until the keepalive gives up), run on a
/// thread of the machine's own, never on Swift's cooperative pool.
final class LibvirtMachine: GuestMachine {
    let guest: SSHGuest
    let domain: LibvirtDomain
    /// Where the domain's blocking calls run; stopped once the domain is destroyed.
    let calls: DedicatedThread
    private let host: LibvirtHost
    private let logger: Logger
    private let afterDestroy: @Sendable () async -> Void

    /// - Parameters:
    ///   - qemuLog: libvirt's log of the domain's QEMU, when it is on this machine.
    ///   - afterDestroy: what ends with the domain (a remote host's port forward and mirrors).
    init(id: String, artifactsDirectory: String, domain: LibvirtDomain, watch: LibvirtHost.DomainWatch, host: LibvirtHost,
         console: ConsoleWatcher, sshTarget: SSHConnection.Target, started: ContinuousClock.Instant, qemuLog: String?,
         kernelCommandLine: String? = nil,
         logger: Logger, afterDestroy: @escaping @Sendable () async -> Void = {}) {
        self.domain = domain
        let calls = DedicatedThread(name: "libvirt-\(id)")
        self.calls = calls
        self.host = host
        self.logger = logger
        self.afterDestroy = afterDestroy
        self.guest = SSHGuest(id: id, artifactsDirectory: artifactsDirectory, console: console, target: sshTarget,
                              started: started, logger: logger, kernelCommandLine: kernelCommandLine,
                              hypervisor: LibvirtLink(id: id, domain: domain, calls: calls, watch: watch, console: console,
                                                      uri: host.connection.uri, qemuLog: qemuLog),
                              host: host.connection.uri)
    }

    /// Destroys the domain without waiting (a cancelled test's: its task cannot wait); ``destroy()``
    /// follows and finds it gone.
    func destroySoon() {
        let domain = domain
        let calls = calls
        Task { _ = try? await calls.run { try domain.destroy() } }
    }

    /// Logs out and destroys the domain (transient: nothing of it remains).
    func destroy() async {
        await guest.closeConnection()
        let domain = domain
        do {
            try await calls.run { try domain.destroy() }
        } catch {
            let noDomain = (error as? LibvirtError)?.isNoDomain == true
            if !host.connection.isAlive, OrphanedQEMU.isLocal(host.connection.uri) {
                let killed = OrphanedQEMU.kill(domain: domain.name)
                logger.warning("the daemon of \(host.connection.uri) is gone; killed the QEMU of \(domain.name) (pids \(killed))")
            } else if !noDomain, (try? await calls.run { try domain.state() }) != .shutOff {
                logger.warning("could not destroy \(domain.name): \(error)")
            }
        }
        calls.stop()
        await afterDestroy()
        guest.finish()
        host.unwatch(domain.name)
        logger.debug("destroyed", metadata: ["machine": "\(id)"])
    }
}

/// A libvirt domain as the SSH side sees it: its stop and crash events, its reboot events.
struct LibvirtLink: HypervisorLink {
    let id: String
    let domain: LibvirtDomain
    /// The machine's thread for blocking libvirt calls.
    let calls: DedicatedThread
    let watch: LibvirtHost.DomainWatch
    let console: ConsoleWatcher
    let uri: String
    let qemuLog: String?

    var hasEnded: Bool {
        get async {
            if watch.ended != nil { return true }
            // Events can lag, and a lost connection delivers none: ask libvirt too (on the
            // machine's thread; once the machine is destroyed and its thread stopped, it has ended).
            let domain = domain
            guard let state = try? await calls.run({ try domain.state() }) else { return true }
            return state == .shutOff || state == .crashed
        }
    }

    var resetCount: Int { watch.resets }

    func resetHard() async throws {
        let domain = domain
        try await calls.run { try domain.reset() }
    }

    func endedError() -> any Error {
        console.finish()
        if let fatal = console.fatal { return MachineError.bootFailed(machine: id, fatal, console: console.path) }
        let how: String
        switch watch.ended {
        case .crashed, .stopped(reason: .crashed): how = "the guest crashed (panic)"
        case .stopped(let reason): how = "the domain stopped (\(reason))"
        default: how = "the domain is gone from \(uri)"
        }
        let log = qemuLog.map { path in
            (try? String(contentsOfFile: path, encoding: .utf8)).map { $0.split(separator: "\n").suffix(10).joined(separator: "\n") } ?? ""
        } ?? "(QEMU's log is on the host \(uri): /var/log/libvirt/qemu/\(domain.name).log)"
        return MachineError.hypervisorExited(machine: id, status: how, log: log, consoleTail: console.tail(lines: 15))
    }
}
