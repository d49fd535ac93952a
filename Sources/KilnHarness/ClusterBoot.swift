import KilnCore
public import KilnPlatform
import Synchronization

/// Boots the machines of a multi-machine test at the same time, each in its own task (so each
/// stays inside its platform's `withMachine` scope), and runs the test's body once all are up.
/// A machine that fails to boot cancels the others; the machines outlive the body until it has
/// ended, so that their journals are saved whatever it did.
public enum ClusterBoot {
    /// Boots `specs` on `platform` at once, calls `onReady` for each machine as it answers on SSH,
    /// runs `body` with all of them, then stops them all however `body` ends.
    public static func run(specs: [MachineSpec], platform: any Platform,
                    onReady: @escaping @Sendable (any Machine) -> Void,
                    body: @escaping @Sendable ([any Machine]) async throws -> Void) async throws {
        let gate = ClusterGate(count: specs.count)
        let bodyResult = LockedValue<(any Error)?>(nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, spec) in specs.enumerated() {
                group.addTask {
                    try await platform.withMachine(spec) { machine in
                        onReady(machine)
                        gate.arrive(index, machine)
                        await gate.waitUntilFinished()
                    }
                }
            }
            group.addTask {
                defer { gate.finish() }
                let machines = try await gate.waitForAll()
                do {
                    try await body(machines)
                } catch {
                    bodyResult.set(error)
                }
            }
            try await group.waitForAll()
        }
        if let error = bodyResult.get() { throw error }
    }
}

/// Where the machines of a cluster meet: arrivals, the body's wait for all, and the end.
final class ClusterGate: Sendable {
    private struct State {
        var machines: [Int: any Machine] = [:]
        var allArrived: CheckedContinuation<[any Machine], any Error>?
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let count: Int
    private let state = Mutex(State())

    init(count: Int) {
        self.count = count
    }

    func arrive(_ index: Int, _ machine: any Machine) {
        let waiter = state.withLock { state -> (CheckedContinuation<[any Machine], any Error>, [any Machine])? in
            state.machines[index] = machine
            guard state.machines.count == count, let waiter = state.allArrived else { return nil }
            state.allArrived = nil
            return (waiter, (0..<count).map { state.machines[$0]! })
        }
        waiter.map { $0.0.resume(returning: $0.1) }
    }

    /// The machines in order, once all have arrived; throws `CancellationError` when cancelled first.
    func waitForAll() async throws -> [any Machine] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> [any Machine]? in
                    if state.machines.count == count { return (0..<count).map { state.machines[$0]! } }
                    state.allArrived = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[any Machine], any Error>? in
                defer { state.allArrived = nil }
                return state.allArrived
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.finished = true
            defer { state.finishWaiters = [] }
            return state.finishWaiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when the body has ended, or at once when this task is cancelled.
    func waitUntilFinished() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state -> Bool in
                    if state.finished || Task.isCancelled { return true }
                    state.finishWaiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            finish()
        }
    }
}

/// A value shared between tasks.
final class LockedValue<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func get() -> Value { value.withLock { $0 } }
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
}
