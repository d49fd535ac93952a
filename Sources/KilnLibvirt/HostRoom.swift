import Synchronization

/// The room one host of a ``LibvirtPool`` has for this run's machines, and whether it is still
/// used: its slots (machines at once) and its memory for guests, what is taken of both, and the
/// failures that drain it. Every change is made under one lock.
public final class HostRoom: Sendable {
    /// Machines at once (`--connect ...,capacity=N`, or the default from the host's CPUs and memory).
    public let capacity: Int
    /// MiB the run may give guests (their RAM and QEMU's overhead) on the host; nil: not limited.
    public let memoryMiB: Int?

    /// Host-side domain-start failures in a row (with a live connection) that drain the host.
    public static let hostSideFailuresToDrain = 2

    /// What is taken now.
    public struct Snapshot: Sendable, Equatable {
        public var running: Int
        public var reservedMiB: Int
        public var drained: String?
        public var failureStreak: Int
    }

    private let state = Mutex(Snapshot(running: 0, reservedMiB: 0, drained: nil, failureStreak: 0))

    public init(capacity: Int, memoryMiB: Int?) {
        self.capacity = capacity
        self.memoryMiB = memoryMiB
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
    var drainedBecause: String? { state.withLock { $0.drained } }
    var running: Int { state.withLock { $0.running } }
    /// Slots free now (none once drained).
    var freeSlots: Int { state.withLock { $0.drained == nil ? capacity - $0.running : 0 } }
    /// MiB free now (nil: not limited).
    var freeMemoryMiB: Int? { memoryMiB.map { total in state.withLock { total - $0.reservedMiB } } }

    /// Takes a slot and `memoryMiB` when the host is live and both are free; false otherwise.
    func take(memoryMiB need: Int) -> Bool {
        state.withLock { state in
            guard state.drained == nil, state.running < capacity else { return false }
            if let total = memoryMiB, state.reservedMiB + need > total { return false }
            state.running += 1
            state.reservedMiB += need
            return true
        }
    }

    /// Takes `memoryMiB` more for a machine already holding a slot; false when it does not fit.
    func takeMemory(_ need: Int) -> Bool {
        state.withLock { state in
            if let total = memoryMiB, state.reservedMiB + need > total { return false }
            state.reservedMiB += need
            return true
        }
    }

    /// Gives back a slot and `memoryMiB`.
    func give(memoryMiB: Int) {
        state.withLock { state in
            state.running -= 1
            state.reservedMiB -= memoryMiB
        }
    }

    /// Gives back memory taken with ``takeMemory(_:)``.
    func giveMemory(_ amount: Int) { state.withLock { $0.reservedMiB -= amount } }

    /// Marks the host failed; true the first time.
    func drain(_ reason: String) -> Bool {
        state.withLock { state in
            guard state.drained == nil else { return false }
            state.drained = reason
            return true
        }
    }

    /// A domain started: the streak of host-side failures ends.
    func recordStart() { state.withLock { $0.failureStreak = 0 } }

    /// A domain would not start, for `verdict`; returns the reason to drain the host (nil: keep
    /// it): at once when the connection is lost, after ``hostSideFailuresToDrain`` host-side
    /// failures in a row, never for a machine's own failure (which neither counts nor ends a streak).
    func recordStartFailure(_ verdict: DomainStartVerdict, _ description: String) -> String? {
        state.withLock { state in
            switch verdict {
            case .hostLost:
                return "the connection was lost while starting a domain: \(description)"
            case .machineSide:
                return nil
            case .hostSide:
                state.failureStreak += 1
                guard state.failureStreak >= Self.hostSideFailuresToDrain else { return nil }
                return "it would not start a domain \(state.failureStreak) times in a row: \(description)"
            }
        }
    }
}
