import Foundation
import KilnCore
public import KilnPlatform
public import Logging
import Synchronization

/// Several libvirt hosts as one platform: each machine goes to a live host with a free slot
/// (the one with the most), and a host that fails — its connection lost, or domains it will not
/// start — is drained: no new machine goes there, and the machines running on it end with an
/// ``InfrastructureFailure``, which the runner answers by running their tests again elsewhere.
public final class LibvirtPool: Platform {
    public let name = "libvirt"
    public let hosts: [Member]
    private let logger: Logger
    /// Held while a machine's host is chosen and its slot taken, so that two machines placed at
    /// once see each other's choice (else both take the host that looked freest).
    private let placement = Mutex(())

    /// One host of the pool.
    public final class Member: Sendable {
        public let platform: LibvirtPlatform
        public let capacity: Int
        private struct State {
            var running = 0
            var drained: String?
        }
        private let state = Mutex(State())

        public init(platform: LibvirtPlatform, capacity: Int) {
            self.platform = platform
            self.capacity = capacity
        }

        public var uri: String { platform.host.connection.uri }
        var drainedBecause: String? { state.withLock { $0.drained } }
        var freeSlots: Int { state.withLock { $0.drained == nil ? capacity - $0.running : 0 } }
        var running: Int { state.withLock { $0.running } }

        func take() -> Bool {
            state.withLock { state in
                guard state.drained == nil, state.running < capacity else { return false }
                state.running += 1
                return true
            }
        }

        func give() { state.withLock { $0.running -= 1 } }

        /// Marks the host failed; true the first time.
        func drain(_ reason: String) -> Bool {
            state.withLock { state in
                guard state.drained == nil else { return false }
                state.drained = reason
                return true
            }
        }

        /// Why the host cannot be used now, or nil while its connection lives.
        var failure: String? { platform.host.connection.isAlive ? nil : "the connection to \(uri) was lost" }
    }

    public init(hosts: [Member], logger: Logger) {
        self.hosts = hosts
        self.logger = logger
    }

    /// Machines the pool runs at once while every host lives.
    public var capacity: Int { hosts.map(\.capacity).reduce(0, +) }

    /// Slots for a job's `machines`, across live hosts, waited for before the job's deadline.
    public func admit(machines: Int) async throws -> PlatformAdmission? {
        while true {
            try Task.checkCancellation()
            guard hosts.contains(where: { $0.drainedBecause == nil }) else { return nil }  // withMachine says why
            let live = hosts.filter { $0.drainedBecause == nil }
            let liveCapacity = live.map(\.capacity).reduce(0, +)
            guard liveCapacity >= machines else {
                // Waiting would never end: the hosts left cannot hold the job's machines at once.
                throw InfrastructureFailure(host: live.map(\.uri).joined(separator: ", "),
                                            reason: "the job needs \(machines) machines at once and the live hosts have \(liveCapacity) slots")
            }
            var taken: [Member] = []
            for _ in 0..<machines {
                guard let member = Self.inPreferredOrder(hosts).first(where: { $0.take() }) else { break }
                taken.append(member)
            }
            if taken.count == machines {
                let hosts = self.hosts
                return PlatformAdmission(slots: taken.map(\.uri)) { uris in
                    for uri in uris { hosts.first { $0.uri == uri }?.give() }
                }
            }
            taken.forEach { $0.give() }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    public func withMachine<R: Sendable>(_ spec: MachineSpec, _ body: @escaping @Sendable (any Machine) async throws -> R) async throws -> R {
        // A slot the job's admission set aside (given back with the admission), else one now.
        if let refusal = PlatformAdmission.current?.refusal { throw refusal }
        let admitted = PlatformAdmission.current?.take().flatMap { uri in hosts.first { $0.uri == uri && $0.drainedBecause == nil } }
        let member: Member
        if let admitted { member = admitted } else { member = try await acquire(for: spec.id) }
        defer { if admitted == nil { member.give() } }
        do {
            return try await watching(member) { try await member.platform.withMachine(spec, body) }
        } catch let failure as InfrastructureFailure {
            throw failure
        } catch {
            if let reason = member.failure ?? Self.hostRefusal(error) {
                throw drain(member, reason)
            }
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

    /// A free slot on a live host, waiting for one while all are busy.
    private func acquire(for machine: String) async throws -> Member {
        while true {
            try Task.checkCancellation()
            let live = hosts.filter { $0.drainedBecause == nil }
            guard !live.isEmpty else {
                throw InfrastructureFailure(host: hosts.map(\.uri).joined(separator: ", "),
                                            reason: "every host of the pool failed: "
                                                + hosts.map { "\($0.uri): \($0.drainedBecause ?? "?")" }.joined(separator: "; "))
            }
            let placed = placement.withLock { _ in Self.inPreferredOrder(live).first { $0.take() } }
            if let member = placed {
                logger.info("placed", metadata: ["machine": "\(machine)", "host": "\(member.uri)"])
                return member
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

    /// Hosts in the order a machine tries them: the most free slots first, then the fewest
    /// machines running (so that equal hosts share the work), then the order they were given.
    static func inPreferredOrder(_ members: [Member]) -> [Member] {
        members.enumerated().map { (index: $0.offset, member: $0.element, free: $0.element.freeSlots, running: $0.element.running) }
            .sorted { ($1.free, $0.running, $0.index) < ($0.free, $1.running, $1.index) }
            .map(\.member)
    }

    private func drain(_ member: Member, _ reason: String) -> InfrastructureFailure {
        if member.drain(reason) {
            logger.warning("host drained: \(reason)", metadata: ["host": "\(member.uri)"])
        }
        return InfrastructureFailure(host: member.uri, reason: reason)
    }

    /// A libvirt error at domain creation that says the host, not the machine, is at fault.
    static func hostRefusal(_ error: any Error) -> String? {
        guard case MachineError.setupFailed(_, let text) = error, text.hasPrefix("libvirt: create a domain failed") else { return nil }
        // Errors in the XML or the image are the run's; a daemon that cannot start QEMU is the host's.
        let hostSide = ["Cannot recv data", "End of file while reading data", "Broken pipe", "internal error", "Unable to",
                        "Failed to connect", "no connection driver", "Connection reset"]
        return hostSide.contains(where: text.contains) ? "it would not start a domain: \(text)" : nil
    }
}
