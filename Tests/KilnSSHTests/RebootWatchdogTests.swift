import Foundation
import KilnPlatform
import Logging
import Synchronization
import Testing

@testable import KilnSSH

/// When Kiln resets a rebooting guest: only once the reboot began and the console then stayed
/// silent, and never a guest that is merely quiet or already at its login prompt. The
/// hypervisor is a stand-in that counts resets; the console is a real file.
struct RebootWatchdogTests {
    final class CountingLink: HypervisorLink {
        let resets = Mutex(0)
        let events: Int
        init(resetEvents: Int = 0) { events = resetEvents }
        var hasEnded: Bool { get async { false } }
        func endedError() -> any Error { CancellationError() }
        var resetCount: Int { events + resets.withLock { $0 } }
        func resetHard() async throws { resets.withLock { $0 += 1 } }
    }

    /// Runs a watchdog for `seconds` over a console that holds `before`, then gets `after`.
    func watch(before: String, after: String, link: CountingLink = CountingLink(), seconds: Double = 1.5) async throws -> Int {
        let path = NSTemporaryDirectory() + "kiln-watchdog-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try before.write(toFile: path, atomically: true, encoding: .utf8)
        let console = ConsoleWatcher(path: path, started: .now)
        let watchdog = RebootWatchdog(machine: "m0", console: console, hypervisor: link, logger: Logger(label: "test"),
                                      stallLimit: .milliseconds(300), pollInterval: .milliseconds(50))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(after.utf8))
        try handle.close()
        _ = try? await watchdog.guarding { try await Task.sleep(for: .seconds(seconds)) }
        return link.resets.withLock { $0 }
    }

    @Test func aRebootThatStallsIsResetAtMostTwice() async throws {
        let resets = try await watch(before: "localhost login: \r\n", after: "[ 78.4] reboot: Restarting system\r\n[ 78.5] reboot: machine restart\r\n")
        #expect(resets == 2)
    }

    @Test func aResetEventAloneMarksTheReboot() async throws {
        let link = CountingLink()
        let path = NSTemporaryDirectory() + "kiln-watchdog-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "old boot\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        let watchdog = RebootWatchdog(machine: "m0", console: ConsoleWatcher(path: path, started: .now), hypervisor: link,
                                      logger: Logger(label: "test"), stallLimit: .milliseconds(300), pollInterval: .milliseconds(50))
        // The reset event arrives after the watchdog began (QEMU's RESET with a silent console).
        link.resets.withLock { $0 = 0 }
        _ = try? await watchdog.guarding {
            try await Task.sleep(for: .milliseconds(100))
            try await link.resetHard()  // stands for the guest's own reset, seen as an event
            try await Task.sleep(for: .seconds(1))
        }
        #expect(link.resets.withLock { $0 } >= 2, "the stalled reset was not followed by Kiln's")
    }

    @Test func aQuietGuestThatHasNotBegunToRebootIsLeftAlone() async throws {
        #expect(try await watch(before: "localhost login: \r\n", after: "") == 0)
    }

    @Test func aNewBootAtItsLoginPromptIsLeftAlone() async throws {
        let resets = try await watch(before: "", after: "reboot: machine restart\r\nBdsDxe: loading Boot0001\r\n[ 0.0] Linux version 6.1\r\nlocalhost login: ")
        #expect(resets == 0)
    }

    @Test func theLoginPromptCountsOnlyAfterTheLastRestart() {
        #expect(!RebootWatchdog.reachedLogin("localhost login: \r\nreboot: machine restart\r\n"))
        #expect(RebootWatchdog.reachedLogin("reboot: machine restart\r\nlocalhost login: "))
    }
}
