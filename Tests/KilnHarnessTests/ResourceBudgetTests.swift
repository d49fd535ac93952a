import KilnCore
import Synchronization
import Testing

@testable import KilnHarness

/// Shared state for the tasks of a test.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}

/// The budget grants in order, never beyond the host, and gives back on release and cancellation.
struct ResourceBudgetTests {
    /// Eight tests of 4 GiB (+ QEMU overhead) on a 22 GiB host, 8 at a time: at most 5 hold
    /// memory at once, and the peak never exceeds the host.
    @Test func neverOvercommitsMemoryWhateverTheParallelism() async throws {
        let budget = ResourceBudget(totalMemoryMiB: 22 * 1024, totalCPUs: 64)
        let request = ResourceRequest(memoryMiB: 4096 + ResourceRequest.qemuOverheadMiB, cpus: 1)
        let running = Shared((now: 0, peak: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try? await budget.reserve(request)
                    running.value.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                    try? await Task.sleep(for: .milliseconds(50))
                    running.value.withLock { $0.now -= 1 }
                    budget.release(request)
                }
            }
        }
        #expect(running.value.withLock { $0.peak } == 5)
        #expect(budget.peakMemoryMiB <= budget.totalMemoryMiB)
    }

    @Test func cpusBoundTheMachinesToo() async throws {
        let budget = ResourceBudget(totalMemoryMiB: 100_000, totalCPUs: 2)
        let one = ResourceRequest(memoryMiB: 1280, cpus: 1)
        try await budget.reserve(one)
        try await budget.reserve(one)
        let third = Task { try await budget.reserve(one) }
        try await Task.sleep(for: .milliseconds(100))
        budget.release(one)
        try await third.value
        #expect(budget.peakMemoryMiB == 2560)
    }

    @Test func aRequestLargerThanTheHostRunsAlone() async throws {
        let budget = ResourceBudget(totalMemoryMiB: 1000, totalCPUs: 2)
        let huge = ResourceRequest(memoryMiB: 5000, cpus: 1)
        #expect(budget.exceedsHost(huge))
        try await budget.reserve(huge)
        let small = Task { try await budget.reserve(ResourceRequest(memoryMiB: 10, cpus: 1)) }
        try await Task.sleep(for: .milliseconds(100))
        budget.release(huge)
        try await small.value
    }

    @Test func aCancelledWaiterHoldsNothing() async throws {
        let budget = ResourceBudget(totalMemoryMiB: 1000, totalCPUs: 1)
        let request = ResourceRequest(memoryMiB: 800, cpus: 1)
        try await budget.reserve(request)
        let waiting = Task { try await budget.reserve(request) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        budget.release(request)
        try await budget.reserve(request)
    }

    @Test func ordersAreServedFirstComeFirstServed() async throws {
        let budget = ResourceBudget(totalMemoryMiB: 1000, totalCPUs: 8)
        let big = ResourceRequest(memoryMiB: 900, cpus: 1)
        let small = ResourceRequest(memoryMiB: 50, cpus: 1)
        try await budget.reserve(big)
        let order = Shared<[String]>([])
        let waitingBig = Task { try await budget.reserve(big); order.value.withLock { $0.append("big") } }
        try await Task.sleep(for: .milliseconds(50))
        let waitingSmall = Task { try await budget.reserve(small); order.value.withLock { $0.append("small") } }
        try await Task.sleep(for: .milliseconds(50))
        #expect(order.value.withLock { $0 }.isEmpty, "the small request passed the waiting big one")
        budget.release(big)
        try await waitingBig.value
        try await waitingSmall.value
        #expect(order.value.withLock { $0 } == ["big", "small"])
    }
}
