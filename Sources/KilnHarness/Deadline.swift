import Synchronization

/// How an operation raced against its deadline ended.
enum DeadlineOutcome<T: Sendable>: Sendable {
    case finished(Result<T, any Error>)
    case timedOut
    /// The caller was cancelled and the operation did not unwind within the grace period.
    case interrupted
}

/// How long a cancelled operation may take to unwind before `withDeadline` returns anyway.
let cancellationGrace: Duration = .seconds(10)

/// Runs `operation` in a task of its own and returns at `timeout` whether or not the operation
/// has noticed: a test stuck in Swift code that never awaits still ends on time. At the deadline
/// the operation's task is cancelled (which kills its machines); the task is returned so the
/// caller can give its cleanup a bounded grace period.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T
) async -> (outcome: DeadlineOutcome<T>, task: Task<T, any Error>) {
    let task = Task { try await operation() }
    let once = Mutex<CheckedContinuation<DeadlineOutcome<T>, Never>?>(nil)
    let resume: @Sendable (DeadlineOutcome<T>) -> Void = { value in
        once.withLock { stored in
            stored?.resume(returning: value)
            stored = nil
        }
    }
    let outcome = await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<DeadlineOutcome<T>, Never>) in
            once.withLock { $0 = continuation }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { resume(.timedOut) }
            }
            Task {
                let result = await task.result
                timer.cancel()
                resume(.finished(result))
            }
        }
    } onCancel: {
        // Ctrl-C: the operation is cancelled (its machines are killed) and gets a short grace to
        // unwind; the caller does not wait for the rest of the deadline.
        task.cancel()
        Task {
            try? await Task.sleep(for: cancellationGrace)
            resume(.interrupted)
        }
    }
    if case .timedOut = outcome { task.cancel() }
    return (outcome, task)
}

/// Waits for `task` to end, at most `grace`; true if it ended.
func awaitEnd<T: Sendable>(of task: Task<T, any Error>, grace: Duration) async -> Bool {
    if case .finished = await withDeadline(grace, { _ = await task.result }).outcome { return true }
    return false
}
