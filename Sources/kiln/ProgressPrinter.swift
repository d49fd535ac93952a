import Foundation
import KilnCore
import KilnHarness
import Synchronization

/// Prints kola-style progress lines: `=== RUN   name` and `--- PASS: name (12.3s)`.
final class ProgressPrinter: RunObserver {
    private let lock = Mutex(())

    func say(_ line: String) {
        lock.withLock { _ in
            print(line)
            fflush(nil)
        }
    }

    func testStarted(_ name: String) {
        say("=== RUN   \(name)")
    }

    func testFinished(_ report: TestReport) {
        var detail = String(format: "%.1fs", report.durationSeconds)
        let ready = report.machines.compactMap(\.sshReadySeconds)
        if !ready.isEmpty {
            detail += "; SSH ready " + ready.map { String(format: "%.1fs", $0) }.joined(separator: ", ") + " after QEMU start"
        }
        var lines = ["--- \(report.result.rawValue): \(report.name) (\(detail))"]
        if let error = report.error {
            lines += error.split(separator: "\n", omittingEmptySubsequences: false).map { "        \($0)" }
        }
        say(lines.joined(separator: "\n"))
    }
}
