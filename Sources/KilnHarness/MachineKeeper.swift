import Foundation
import Synchronization
import KilnPlatform

/// A failed test's machine, held open after the test's verdict.
public struct KeptMachine: Sendable, Equatable {
    /// The machine's id (`selftest.failed-unit-m0`).
    public var name: String
    /// The tests that failed on it (one, or the failed members of a shared machine).
    public var tests: [String]
    /// The attempt of those tests that ran on it (2 for a rerun).
    public var attempt: Int
    /// Its artifacts directory (absolute), where its `ssh-config` is.
    public var directory: String

    public init(name: String, tests: [String], attempt: Int, directory: String) {
        self.name = name
        self.tests = tests
        self.attempt = attempt
        self.directory = directory
    }
}

/// Holds the machine scopes of failed tests open after their verdict (`kiln run
/// --keep-failed`): the test's report is written and the run goes on while the machines stay
/// up, each still inside its platform's `withMachine` scope (so Kiln's death still kills them),
/// until they are released (stopped in order: journal saved, QEMU quit) or cancelled (killed).
public final class MachineKeeper: Sendable {
    private struct Parked {
        var machines: [KeptMachine]
        var waiter: CheckedContinuation<Void, Never>?
    }

    private struct State {
        var parked: [Int: Parked] = [:]
        /// Tickets released (or cancelled) before their scope started waiting.
        var released: Set<Int> = []
        var nextTicket = 0
        var scopes: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The machines held now, in the order they were parked.
    public var kept: [KeptMachine] {
        state.withLock { state in state.parked.sorted { $0.key < $1.key }.flatMap(\.value.machines) }
    }

    /// Registers `machines` as held; the scope then calls ``wait(_:)`` with the ticket.
    func hold(_ machines: [KeptMachine]) -> Int {
        state.withLock { state in
            defer { state.nextTicket += 1 }
            state.parked[state.nextTicket] = Parked(machines: machines)
            return state.nextTicket
        }
    }

    /// Suspends the held scope until its machines are released or its task is cancelled.
    func wait(_ ticket: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.released.contains(ticket) || state.parked[ticket] == nil || Task.isCancelled {
                        state.parked[ticket] = nil
                        return true
                    }
                    state.parked[ticket]?.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            release(tickets: { $0 == ticket })
        }
    }

    /// Releases the held machines for which `predicate` is true: their scopes end and stop them.
    public func release(where predicate: (KeptMachine) -> Bool) {
        release { ticket, parked in parked.machines.contains(where: predicate) }
    }

    private func release(tickets predicate: (Int) -> Bool) {
        release { ticket, _ in predicate(ticket) }
    }

    private func release(_ predicate: (Int, Parked) -> Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let tickets = state.parked.filter { predicate($0.key, $0.value) }.map(\.key)
            state.released.formUnion(tickets)
            return tickets.compactMap { state.parked.removeValue(forKey: $0)?.waiter }
        }
        waiters.forEach { $0.resume() }
    }

    /// Keeps `scope` (a test's machine scope) to be awaited by ``waitForScopes()``.
    func adopt(_ scope: Task<Void, Never>) {
        state.withLock { $0.scopes.append(scope) }
    }

    /// Kills every machine still held or still in a test: their scopes are cancelled.
    public func cancelAll() {
        let scopes = state.withLock { $0.scopes }
        scopes.forEach { $0.cancel() }
        release(where: { _ in true })
    }

    /// Waits until every adopted scope has ended (its machines stopped).
    public func waitForScopes() async {
        for scope in state.withLock({ $0.scopes }) { await scope.value }
    }
}

/// The ending of a test's machine scope as its test sees it: the scope's own end, or earlier a
/// failure handed over while the scope stays open (the machines kept).
final class ScopeVerdict: Sendable {
    let keeper: MachineKeeper
    let attempt: Int
    private let state = Mutex<(result: Result<Void, any Error>?, waiter: CheckedContinuation<Void, any Error>?)>((nil, nil))

    init(keeper: MachineKeeper, attempt: Int) {
        self.keeper = keeper
        self.attempt = attempt
    }

    /// Sets the verdict unless one is set.
    func resolve(_ result: Result<Void, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    /// The verdict, once set.
    func value() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result = state.withLock { state -> Result<Void, any Error>? in
                if state.result == nil { state.waiter = continuation }
                return state.result
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Hands `failure` (nil: the scope's own test passed, as a shared machine whose members
    /// failed) over as the verdict, then holds `machines` until the keeper releases them.
    /// Does nothing when the task is cancelled or the failure is the host's, not the test's.
    func keep(_ machines: [any Machine], tests: [String], failure: (any Error)?) async {
        guard !Task.isCancelled, !(failure is InfrastructureFailure), !(failure is CancellationError) else { return }
        let cwd = FileManager.default.currentDirectoryPath
        let ticket = keeper.hold(machines.map { machine in
            let directory = machine.artifactsDirectory.hasPrefix("/") ? machine.artifactsDirectory : "\(cwd)/\(machine.artifactsDirectory)"
            return KeptMachine(name: machine.id, tests: tests, attempt: attempt,
                               directory: URL(fileURLWithPath: directory).standardizedFileURL.path)
        })
        resolve(failure.map { .failure($0) } ?? .success(()))
        await keeper.wait(ticket)
    }
}

extension TestRunner {
    /// Runs `scope` (a test's boot and body, inside its machines' scopes). Without a keeper it
    /// is awaited as is. With one, it runs in a task of its own that the keeper adopts, and this
    /// returns at its verdict: when the scope keeps its machines after a failure
    /// (``ScopeVerdict/keep(_:tests:failure:)``), the verdict comes while the machines stay up.
    /// Cancellation before the verdict (the deadline, Ctrl-C) cancels the scope, which kills its
    /// machines as before.
    func keepingOnFailure(attempt: Int, _ scope: @escaping @Sendable (ScopeVerdict?) async throws -> Void) async throws {
        guard let keeper = options.keeper else { return try await scope(nil) }
        let verdict = ScopeVerdict(keeper: keeper, attempt: attempt)
        let task = Task {
            do {
                try await scope(verdict)
                verdict.resolve(.success(()))
            } catch {
                verdict.resolve(.failure(error))
            }
        }
        keeper.adopt(task)
        try await withTaskCancellationHandler {
            try await verdict.value()
        } onCancel: {
            task.cancel()
        }
    }
}
