import Foundation
import KilnCore
import KilnPlatform
import Logging
import Synchronization

/// Watches a guest while it reboots and resets it through the hypervisor when the reboot
/// stalls: once the reboot has begun (the hypervisor saw a reset, or the kernel printed
/// `reboot: Restarting system` on the console) and then the console stays silent for
/// `stallLimit`, nothing is booting. Under TCG, a guest has been seen (rarely, on a loaded host)
/// to print nothing for ten minutes after `reboot: machine restart`; whether a second reset gets
/// such a machine booting has not been observed yet (the watchdog has not fired in a run so far).
/// A guest whose reboot has not begun is never touched, however quiet its console: it may be
/// running a test that reboots it later.
final class RebootWatchdog: Sendable {
    let machine: String
    let console: ConsoleWatcher
    let hypervisor: any HypervisorLink
    let logger: Logger
    /// Console silence after the reboot began that counts as a stall.
    let stallLimit: Duration
    /// Resets at most this many times per reboot.
    let maximumResets = 2
    let pollInterval: Duration

    private let resetsBefore: Int
    private let consoleOffset: UInt64
    private let kicks = Mutex(0)

    /// The kernel's last words before it resets the machine.
    static let restartLines = ["reboot: Restarting system", "reboot: machine restart"]

    init(machine: String, console: ConsoleWatcher, hypervisor: any HypervisorLink, logger: Logger,
         stallLimit: Duration = .seconds(120), pollInterval: Duration = .seconds(2)) {
        self.stallLimit = stallLimit
        self.pollInterval = pollInterval
        self.machine = machine
        self.console = console
        self.hypervisor = hypervisor
        self.logger = logger
        resetsBefore = hypervisor.resetCount
        consoleOffset = Self.size(of: console.path)
    }

    /// For error messages: what the watchdog did, or nothing.
    var note: String {
        let count = kicks.withLock { $0 }
        return count == 0 ? "" : "; Kiln reset the machine \(count) time(s) after its console stalled mid-reboot"
    }

    /// Runs `body` while the watchdog watches; the watchdog stops with it.
    func guarding<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                await self.watch()
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw CancellationError()
        }
    }

    private func watch() async {
        var lastSize = Self.size(of: console.path)
        var lastGrowth = ContinuousClock.now
        var begun = false
        while !Task.isCancelled, kicks.withLock({ $0 }) < maximumResets {
            guard (try? await Task.sleep(for: pollInterval)) != nil else { return }
            let size = Self.size(of: console.path)
            if size != lastSize {
                lastSize = size
                lastGrowth = .now
            }
            let text = consoleSince
            if !begun {
                begun = hypervisor.resetCount > resetsBefore || Self.restartLines.contains { text.contains($0) }
                if !begun { continue }
            }
            // A new boot that reached its login prompt is booted, however quiet it is now.
            if Self.reachedLogin(text) { return }
            guard ContinuousClock.now - lastGrowth >= stallLimit else { continue }
            let attempt = kicks.withLock { kicks in
                kicks += 1
                return kicks
            }
            logger.warning("the console has been silent for \(Int(stallLimit.seconds))s since the guest began to reboot; resetting the machine (\(attempt) of \(maximumResets))",
                           metadata: ["machine": "\(machine)", "console": "\(console.path)"])
            do {
                try await hypervisor.resetHard()
            } catch {
                logger.warning("resetting the stalled machine failed: \(error)", metadata: ["machine": "\(machine)"])
            }
            lastGrowth = .now
        }
    }

    /// Whether `text` shows a login prompt after the last restart line (or anywhere, when the
    /// reset came without one).
    static func reachedLogin(_ text: String) -> Bool {
        let restart = restartLines.compactMap { text.range(of: $0, options: .backwards)?.upperBound }.max()
        return text[(restart ?? text.startIndex)...].contains(" login: ")
    }

    /// The console written since the watchdog began (at most the last 64 KiB of it).
    private var consoleSince: String {
        guard let handle = FileHandle(forReadingAtPath: console.path) else { return "" }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        let start = max(consoleOffset, end > 65_536 ? end - 65_536 : 0)
        guard end > start, (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func size(of path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
