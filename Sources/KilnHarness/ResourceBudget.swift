import Foundation
import KilnCore
import Synchronization

/// What a test holds while it runs: memory for all its machines (guest RAM plus QEMU's own
/// overhead) and their vCPUs.
public struct ResourceRequest: Sendable, Equatable {
    public var memoryMiB: Int
    public var cpus: Int

    public init(memoryMiB: Int, cpus: Int) {
        self.memoryMiB = memoryMiB
        self.cpus = cpus
    }

    /// What QEMU itself takes beyond the guest's RAM (TCG translation cache, device models).
    public static let qemuOverheadMiB = 256

    /// What an exclusive test's machines take (a test that boots its own counts as one machine).
    public init(test: RegisteredTest, memoryOverrideMiB: Int?) {
        let machines = max(1, test.metadata.clusterSize)
        let memory = memoryOverrideMiB ?? test.metadata.machine.memoryMiB
        self.init(memoryMiB: machines * (memory + Self.qemuOverheadMiB), cpus: machines * test.metadata.machine.cpus)
    }
}

/// The host's memory and CPUs shared by the tests of a run. A test starts only once its request
/// fits beside what running tests hold, so a run never overcommits the host however many tests
/// are queued or however high `--parallel` is. Requests are served strictly in order, so none
/// is starved by smaller ones behind it.
public final class ResourceBudget: Sendable {
    public let totalMemoryMiB: Int
    public let totalCPUs: Int

    private struct Waiter {
        var id: Int
        var request: ResourceRequest
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var usedMemoryMiB = 0
        var usedCPUs = 0
        var waiters: [Waiter] = []
        var nextID = 0
        var peakMemoryMiB = 0
    }

    private let state = Mutex(State())

    public init(totalMemoryMiB: Int, totalCPUs: Int) {
        self.totalMemoryMiB = totalMemoryMiB
        self.totalCPUs = totalCPUs
    }

    /// A request that can never fit is granted only when nothing else runs (it may still fail to
    /// boot); this says so ahead of time.
    public func exceedsHost(_ request: ResourceRequest) -> Bool {
        request.memoryMiB > totalMemoryMiB
    }

    /// The most memory held at once so far.
    public var peakMemoryMiB: Int { state.withLock { $0.peakMemoryMiB } }

    /// Waits until `request` fits, then holds it until `release`. Cancellation while waiting
    /// throws `CancellationError` and holds nothing.
    public func reserve(_ request: ResourceRequest) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { $0.waiters.append(Waiter(id: id, request: request, continuation: continuation)) }
                // Cancelled before the waiter was queued: the handler found nothing to cancel.
                if Task.isCancelled {
                    cancelWaiter(id)
                    return
                }
                grantWhatFits()
            }
        } onCancel: {
            cancelWaiter(id)
        }
    }

    /// Removes the waiter `id`, if it still waits, and ends its wait with `CancellationError`.
    private func cancelWaiter(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: CancellationError())
    }

    /// Gives back what `reserve` took.
    public func release(_ request: ResourceRequest) {
        state.withLock { state in
            state.usedMemoryMiB -= request.memoryMiB
            state.usedCPUs -= request.cpus
        }
        grantWhatFits()
    }

    /// Grants waiting requests strictly in order while they fit; a request larger than the host
    /// is granted when nothing else holds anything, so it runs alone.
    private func grantWhatFits() {
        let granted = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            var granted: [CheckedContinuation<Void, any Error>] = []
            while let head = state.waiters.first {
                let idle = state.usedMemoryMiB == 0 && state.usedCPUs == 0
                let fits = state.usedMemoryMiB + head.request.memoryMiB <= totalMemoryMiB
                    && state.usedCPUs + head.request.cpus <= totalCPUs
                guard fits || idle else { break }
                state.usedMemoryMiB += head.request.memoryMiB
                state.usedCPUs += head.request.cpus
                state.peakMemoryMiB = max(state.peakMemoryMiB, state.usedMemoryMiB)
                granted.append(state.waiters.removeFirst().continuation)
            }
            return granted
        }
        for continuation in granted { continuation.resume() }
    }
}

/// What this host can give a run: memory available now (the lower of `MemAvailable` and a
/// cgroup v2 limit), and CPUs (affinity, capped by a cgroup v2 `cpu.max` quota).
public enum HostResources {
    /// Memory held back for Kiln itself and the rest of the host.
    public static let headroomMiB = 1024

    /// MiB a run may give its machines.
    public static func availableMemoryMiB() -> Int {
        var available = meminfo("MemAvailable") ?? 2048
        if let limit = cgroupMemoryLimitMiB() { available = min(available, limit) }
        return max(available - headroomMiB, 512)
    }

    public static func cpus() -> Int {
        var count = ProcessInfo.processInfo.activeProcessorCount
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8) {
            let parts = text.split(separator: " ")
            if parts.count == 2, let quota = Double(parts[0]), let period = Double(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)),
                period > 0
            {
                count = min(count, max(1, Int((quota / period).rounded(.up))))
            }
        }
        return count
    }

    /// A line of /proc/meminfo in MiB.
    static func meminfo(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kib = Int(fields[1]) { return kib / 1024 }
        }
        return nil
    }

    /// `memory.max − (memory.current − inactive_file)` of this process's cgroup, as kola
    /// computes it; nil without a limit.
    static func cgroupMemoryLimitMiB() -> Int? {
        guard let cgroup = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
            let line = cgroup.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        let directory = "/sys/fs/cgroup" + line.dropFirst(3)
        func read(_ file: String) -> String? {
            (try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let maxText = read("memory.max"), let maximum = Int(maxText), let current = read("memory.current").flatMap(Int.init)
        else { return nil }
        var inactive = 0
        if let stat = read("memory.stat"),
            let entry = stat.split(separator: "\n").first(where: { $0.hasPrefix("inactive_file ") })
        {
            inactive = Int(entry.split(separator: " ")[1]) ?? 0
        }
        return (maximum - (current - inactive)) / (1024 * 1024)
    }
}
