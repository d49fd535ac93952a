import Foundation
import KilnCore
import Synchronization

/// A point in time an operation must finish by, plus a flag that cancels it early. Both are
/// read by code blocked on a socket, on a thread that is not a Swift task.
final class OperationLimit: Sendable {
    let operation: String
    let deadline: ContinuousClock.Instant
    let budget: Duration
    private let cancelled = Atomic<Bool>(false)

    init(operation: String, timeout: Duration) {
        self.operation = operation
        self.budget = timeout
        self.deadline = .now + timeout
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    var remaining: Duration { deadline - .now }

    /// Throws if cancelled or past the deadline.
    func check() throws(SSHError) {
        if cancelled.load(ordering: .relaxed) { throw .cancelled(operation: operation) }
        if ContinuousClock.now >= deadline { throw .timedOut(operation: operation, after: budget) }
    }

    /// A poll timeout in milliseconds: the time left, at most `slice`, so cancellation is seen.
    func pollMilliseconds(slice: Duration = .milliseconds(100)) -> Int32 {
        let left = min(remaining, slice)
        return max(0, Int32(left.seconds * 1000))
    }
}
