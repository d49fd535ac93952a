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

    /// Queues `job`; false once the thread was stopped (the job will never run).
    private func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let accepted = state.withLock { state in
            guard !state.stopping else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { condition.signal() }
        return accepted
    }

    /// Runs `job` on the thread and returns its result. Jobs run in the order they were given.
    /// - Throws: `DedicatedThread.Stopped` if the thread was stopped before the job was queued.
    public func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            let queued = enqueue { continuation.resume(returning: Result { try job() }) }
            if !queued { continuation.resume(returning: .failure(Stopped())) }
        }
        return try result.get()
    }

    /// The thread no longer takes jobs.
    public struct Stopped: Error, CustomStringConvertible {
        public var description: String { "the thread was stopped" }
    }

    /// Lets the thread exit once the jobs already given have run.
    public func stop() {
        condition.lock()
        state.withLock { $0.stopping = true }
        condition.signal()
        condition.unlock()
    }
}
