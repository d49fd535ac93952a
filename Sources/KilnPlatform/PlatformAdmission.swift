import Synchronization

/// Room a platform set aside for one job's machines before the job's deadline starts (a pool of
/// hosts, each with limited slots), so that a test never spends its own time waiting for a host.
/// The runner makes it ``current`` for the job; the platform's `withMachine` takes its slots;
/// the runner releases what is left when the job ends.
public final class PlatformAdmission: Sendable {
    /// The admission of the job running in this task, if its platform gave one.
    @TaskLocal public static var current: PlatformAdmission?

    private let slots: Mutex<(free: [String], held: [String])>
    private let giveBack: @Sendable ([String]) -> Void
    /// MiB set aside with each slot (0 when the platform does not count memory).
    public let memoryMiB: Int
    /// Why the platform cannot take the job at all (its machines never fit); `withMachine`
    /// throws it rather than wait forever.
    public let refusal: (any Error)?

    /// `slots`: one key (the platform's name for a host) per machine, each with `memoryMiB`
    /// set aside; `giveBack` returns slots (and their memory) to the platform.
    public init(slots: [String], memoryMiB: Int = 0, giveBack: @escaping @Sendable ([String]) -> Void) {
        self.slots = Mutex((free: slots, held: slots))
        self.giveBack = giveBack
        self.memoryMiB = memoryMiB
        self.refusal = nil
    }

    /// An admission that refuses the job with `error`.
    public init(refusal error: any Error) {
        self.slots = Mutex((free: [], held: []))
        self.giveBack = { _ in }
        self.memoryMiB = 0
        self.refusal = error
    }

    /// Takes one of the set-aside slots, or nil when none is left.
    public func take() -> String? {
        slots.withLock { $0.free.isEmpty ? nil : $0.free.removeFirst() }
    }

    /// Gives every slot back; later calls do nothing.
    public func release() {
        let held = slots.withLock { state -> [String] in
            defer { state = (free: [], held: []) }
            return state.held
        }
        if !held.isEmpty { giveBack(held) }
    }
}
