import Foundation
import KilnCore
public import KilnPlatform
public import Logging
import Synchronization

/// Several libvirt hosts as one platform: each machine goes to a live host with a free slot
/// (the one with the most) and memory for it, and a host that fails — its connection lost, or
/// domains it will not start, by libvirt's error codes (``DomainStartVerdict``) — is drained: no
/// new machine goes there, and the machines running on it end with an ``InfrastructureFailure``,
/// which the runner answers by running their tests again elsewhere. Jobs are admitted by the
/// hosts' room (``admit(machines:memoryMiB:)``), not by this machine's: the machines run there.
public final class LibvirtPool: Platform {
    public let name = "libvirt"
    public let hosts: [Member]
    private let logger: Logger
    /// Held while machines' hosts are chosen and their room taken, so that two placements at
    /// once see each other's choice (else both take the host that looked freest).
    private let placement = Mutex(())

    /// What QEMU takes beyond a guest's RAM, as the local budget counts it
    /// (`ResourceRequest.qemuOverheadMiB`): a machine holds its memory plus this on its host.
    public static let qemuOverheadMiB = 256

    /// One host of the pool: its platform and its room.
    public final class Member: Sendable {
        public let platform: LibvirtPlatform
        public let room: HostRoom

        /// - Parameters:
        ///   - capacity: machines at once.
        ///   - memoryMiB: MiB for guests (with QEMU's overhead) on the host; nil: not limited.
        public init(platform: LibvirtPlatform, capacity: Int, memoryMiB: Int?) {
            self.platform = platform
            self.room = HostRoom(capacity: capacity, memoryMiB: memoryMiB)
        }

        public var uri: String { platform.host.connection.uri }
        public var capacity: Int { room.capacity }
        var drainedBecause: String? { room.drainedBecause }

        /// Why the host cannot be used now, or nil while its connection lives.
        var failure: String? { platform.host.connection.isAlive ? nil : "the connection to \(uri) was lost" }
    }

    public init(hosts: [Member], logger: Logger) {
        self.hosts = hosts
        self.logger = logger
    }

    /// Machines the pool runs at once while every host lives: the sum of their slots.
    public var capacity: Int { hosts.map(\.capacity).reduce(0, +) }

    /// Machines the live hosts run at once: `--parallel auto` on this platform.
    public var liveCapacity: Int { hosts.filter { $0.drainedBecause == nil }.map(\.capacity).reduce(0, +) }

    /// The local budget does not apply: machines run on the hosts, whose room this pool keeps.
    public var runsMachinesLocally: Bool { false }

    /// Why a job of `machines` machines of `memoryMiB` each (guest RAM) could never run on the
    /// pool, even with every host live and idle; nil when it can.
    public func neverFits(machines: Int, memoryMiB: Int) -> String? {
        guard case .never(let reason) = PoolPlacement.refusal(hosts.map(\.room), machines: machines,
                                                                 memoryMiB: memoryMiB + Self.qemuOverheadMiB)
        else { return nil }
        return reason
    }

    /// Slots and memory for a job's `machines` (`memoryMiB` of guest RAM each), across live
    /// hosts, waited for before the job's deadline. A job that can never fit is refused: with a
    /// plain error when no host of the pool could hold it, with an ``InfrastructureFailure``
    /// when only the live ones cannot (others were drained).
    public func admit(machines: Int, memoryMiB: Int) async throws -> PlatformAdmission? {
        let need = memoryMiB + Self.qemuOverheadMiB
        let rooms = hosts.map(\.room)
        while true {
            try Task.checkCancellation()
            guard hosts.contains(where: { $0.drainedBecause == nil }) else { return nil }  // withMachine says why
            switch PoolPlacement.refusal(rooms, machines: machines, memoryMiB: need) {
            case .never(let reason):
                throw MachineError.setupFailed(machine: "-", "no libvirt host of the pool can run this job: \(reason)")
            case .notOnLiveHosts(let reason):
                // Waiting would never end: the hosts left cannot hold the job's machines at once.
                throw InfrastructureFailure(host: hosts.filter { $0.drainedBecause == nil }.map(\.uri).joined(separator: ", "),
                                            reason: reason)
            case nil:
                break
            }
            if let taken = placement.withLock({ _ in PoolPlacement.admit(rooms, machines: machines, memoryMiB: need) }) {
                let hosts = self.hosts
                return PlatformAdmission(slots: taken.map { hosts[$0].uri }, memoryMiB: need) { uris in
                    for uri in uris { hosts.first { $0.uri == uri }?.room.give(memoryMiB: need) }
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    public func withMachine<R: Sendable>(_ spec: MachineSpec, _ body: @escaping @Sendable (any Machine) async throws -> R) async throws -> R {
        if let refusal = PlatformAdmission.current?.refusal { throw refusal }
        let need = spec.memoryMiB + Self.qemuOverheadMiB
        // A slot the job's admission set aside (given back with the admission), else one now.
        var member: Member?
        var extra = 0
        if let admission = PlatformAdmission.current, let uri = admission.take(),
            let admitted = hosts.first(where: { $0.uri == uri && $0.drainedBecause == nil })
        {
            // A machine larger than its admission (a test's own spec) needs the rest on that host.
            let more = max(0, need - admission.memoryMiB)
            if more == 0 || admitted.room.takeMemory(more) {
                member = admitted
                extra = more
            }
        }
        let admitted = member != nil
        let host: Member
        if let member { host = member } else { host = try await acquire(for: spec.id, memoryMiB: need) }
        defer {
            if admitted { host.room.giveMemory(extra) } else { host.room.give(memoryMiB: need) }
        }
        // A domain that started ends the host's streak of failed starts.
        var spec = spec
        spec.onStarted = { [onStarted = spec.onStarted] machine in
            host.room.recordStart()
            onStarted?(machine)
        }
        let counted = spec
        do {
            return try await watching(host) { try await host.platform.withMachine(counted, body) }
        } catch let failure as InfrastructureFailure {
            throw failure
        } catch let failure as DomainStartFailure {
            let verdict = DomainStartVerdict.classify(failure.error, connectionAlive: host.failure == nil)
            if let reason = host.room.recordStartFailure(verdict, "\(failure.error)") {
                throw drain(host, reason)
            }
            logger.info("domain not started", metadata: ["machine": "\(spec.id)", "host": "\(host.uri)", "verdict": "\(verdict)"])
            guard verdict == .machineSide else {
                // The host's, but not yet enough to drain it: the test runs again (its verdict
                // must not come from a host that failed it), maybe there, where a second failure drains it.
                throw InfrastructureFailure(host: host.uri, reason: "it would not start a domain (\(failure.error))")
            }
            throw MachineError.setupFailed(machine: failure.machine, "\(failure.error)")
        } catch {
            if let reason = host.failure { throw drain(host, reason) }
            throw error
        }
    }

    /// The segment's hub runs in Kiln and its sockets are paths on this machine: a local
    /// daemon's QEMU attaches to them directly, a remote host's through a forward of the host's
    /// SSH connection, so one segment can span hosts.
    public func privateNetwork(machines: Int, name: String) throws -> PrivateNetwork {
        guard let first = hosts.first else { throw InfrastructureFailure(host: "-", reason: "the pool has no host") }
        return try first.platform.privateNetwork(machines: machines, name: name)
    }

    /// Removes the run's work directories, once every machine is gone, and closes the
    /// connections to remote hosts. Whole directories: a machine's own removal can fail (a
    /// command refused by a busy connection, a host lost mid-run) and the directory is this
    /// run's alone.
    public func finish() async {
        for member in hosts {
            let access = member.platform.access
            do {
                _ = try await access.run("rm -rf \(Shell.quoted(member.platform.runDirectory))")
            } catch {
                logger.warning("could not remove the run's work files on \(access.name): \(error) (kiln gc --connect \(member.uri) removes them)")
            }
            await access.close()
            rmdir(member.platform.localRunDirectory)
        }
    }

    /// A free slot and `memoryMiB` on a live host, waiting for them while all are busy.
    private func acquire(for machine: String, memoryMiB: Int) async throws -> Member {
        while true {
            try Task.checkCancellation()
            let live = hosts.filter { $0.drainedBecause == nil }
            guard !live.isEmpty else {
                throw InfrastructureFailure(host: hosts.map(\.uri).joined(separator: ", "),
                                            reason: "every host of the pool failed: "
                                                + hosts.map { "\($0.uri): \($0.drainedBecause ?? "?")" }.joined(separator: "; "))
            }
            switch PoolPlacement.refusal(hosts.map(\.room), machines: 1, memoryMiB: memoryMiB) {
            case .never(let reason):
                throw MachineError.setupFailed(machine: machine, "no libvirt host of the pool can run this machine: \(reason)")
            case .notOnLiveHosts(let reason):
                throw InfrastructureFailure(host: live.map(\.uri).joined(separator: ", "), reason: reason)
            case nil:
                break
            }
            let placed = placement.withLock { _ in PoolPlacement.place(hosts.map(\.room), memoryMiB: memoryMiB) }
            if let index = placed {
                logger.info("placed", metadata: ["machine": "\(machine)", "host": "\(hosts[index].uri)"])
                return hosts[index]
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// `operation`, ended with an ``InfrastructureFailure`` as soon as the host's connection is
    /// lost (the operation is cancelled: its test stops at once, to run again elsewhere).
    private func watching<R: Sendable>(_ member: Member, _ operation: @escaping @Sendable () async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    if let reason = member.failure { throw self.drain(member, reason) }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw CancellationError()
        }
    }

    private func drain(_ member: Member, _ reason: String) -> InfrastructureFailure {
        if member.room.drain(reason) {
            logger.warning("host drained: \(reason)", metadata: ["host": "\(member.uri)"])
        }
        return InfrastructureFailure(host: member.uri, reason: reason)
    }
}
