import Foundation
import Synchronization

/// A thread of its own that runs jobs one after another, for work that must stay on one
/// thread: a libssh2 session (not thread-safe), or forking children whose death signal follows
/// the thread that forked them.
public final class DedicatedThread: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var stopping = false
    }

    private let state = Mutex(State())
    private let condition = NSCondition()

    /// Starts the thread.
    public init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            var next: (@Sendable () -> Void)?
            var stop = false
            while next == nil && !stop {
                (next, stop) = state.withLock { state in
                    if !state.jobs.isEmpty { return (state.jobs.removeFirst(), false) }
                    return (nil, state.stopping)
                }
                if next == nil && !stop { condition.wait() }
            }
            condition.unlock()
            guard let job = next else { return }
            job()
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        state.withLock { $0.jobs.append(job) }
        condition.signal()
        condition.unlock()
    }

    /// Runs `job` on the thread and returns its result. Jobs run in the order they were given.
    public func run<T: Sendable>(_ job: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: job()) }
        }
    }

    /// Runs `job` on the thread; its error is rethrown here.
    public func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = await run { Result { try job() } }
        return try result.get()
    }

    /// Lets the thread exit once the jobs already given have run.
    public func stop() {
        condition.lock()
        state.withLock { $0.stopping = true }
        condition.signal()
        condition.unlock()
    }
}
