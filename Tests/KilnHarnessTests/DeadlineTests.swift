import Testing

@testable import KilnHarness

struct DeadlineTests {
    @Test func anOperationThatFinishesInTimeReturnsItsResult() async {
        let (outcome, _) = await withDeadline(.seconds(5)) { 42 }
        guard case .finished(.success(let value)) = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        #expect(value == 42)
    }

    @Test func anOperationStuckOutsideAnyAwaitEndsAtTheDeadline() async {
        let start = ContinuousClock.now
        // Never resumes and ignores cancellation: a test body stuck for good.
        let (outcome, _) = await withDeadline(.milliseconds(300)) { await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in } }
        guard case .timedOut = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        // Generous: other tests load both CPUs meanwhile; what matters is that it ends at all.
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func aTimedOutOperationIsCancelled() async {
        let (outcome, task) = await withDeadline(.milliseconds(200)) {
            try await Task.sleep(for: .seconds(60))
        }
        guard case .timedOut = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        #expect(await awaitEnd(of: task, grace: .seconds(30)))
        #expect(task.isCancelled)
    }

    @Test func cancellingTheCallerReturnsWithinTheGraceEvenIfTheOperationIgnoresIt() async {
        let start = ContinuousClock.now
        let caller = Task {
            await withDeadline(.seconds(600)) { await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in } }.outcome
        }
        try? await Task.sleep(for: .milliseconds(200))
        caller.cancel()
        let outcome = await caller.value
        guard case .interrupted = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        #expect(ContinuousClock.now - start < cancellationGrace + .seconds(60))
    }
}
