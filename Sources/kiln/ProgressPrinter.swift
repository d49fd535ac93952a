import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import Synchronization

/// Prints the run as it goes: a line when each test starts and ends (with its error, indented),
/// and on a terminal a status line kept at the bottom (running tests, done/total, elapsed).
final class ProgressPrinter: RunObserver {
    private struct State {
        var running: [String] = []
        /// Jobs waiting for memory and CPUs, with what they wait for.
        var waiting: [(name: String, need: String)] = []
        /// The machines of running tests, while they boot: the status shows each boot's latest
        /// milestone until SSH answers.
        var booting: [String: [any Machine]] = [:]
        var done = 0
        var statusShown = false
    }

    private let state = Mutex(State())
    private let total: Int
    private let started = ContinuousClock.now
    private let interactive = isatty(STDOUT_FILENO) == 1
    private let ticker: Task<Void, Never>?

    init(total: Int) {
        self.total = total
        guard isatty(STDOUT_FILENO) == 1 else {
            ticker = nil
            return
        }
        let box = WeakBox()
        ticker = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                box.printer?.redrawStatus()
            }
        }
        box.printer = self
    }

    func say(_ line: String) {
        state.withLock { state in
            clearStatus(&state)
            print(line)
            drawStatus(&state)
            fflush(nil)
        }
    }

    func testStarted(_ name: String) {
        state.withLock { state in
            state.running.append(name)
            state.waiting.removeAll { $0.name == name }
        }
        say("=== RUN   \(name)")
    }

    func waitingForResources(_ names: [String], memoryMiB: Int, cpus: Int) {
        state.withLock { state in
            for name in names { state.waiting.append((name, "\(memoryMiB) MiB, \(cpus) CPU(s)")) }
        }
    }

    func machineStarted(_ machine: any Machine, for name: String) {
        state.withLock { $0.booting[name, default: []].append(machine) }
    }

    func infrastructureFailed(_ names: [String], _ failure: InfrastructureFailure) {
        say("kiln: \(failure); running \(names.joined(separator: ", ")) again on another host")
    }

    func testFinished(_ report: TestReport) {
        state.withLock { state in
            state.running.removeAll { $0 == report.name }
            state.booting[report.name] = nil
            if !report.name.hasPrefix("kiln.bucket-") { state.done += 1 }
        }
        var detail = String(format: "%.1fs", report.durationSeconds)
        let ready = report.machines.compactMap(\.sshReadySeconds)
        if !ready.isEmpty {
            detail += "; SSH ready " + ready.map { String(format: "%.1fs", $0) }.joined(separator: ", ") + " after QEMU start"
        }
        if let tracker = report.tracker { detail += "; \(tracker)" }
        var lines = ["--- \(report.result.rawValue): \(report.name) (\(detail))"]
        if let error = report.error {
            lines += error.split(separator: "\n", omittingEmptySubsequences: false).map { "        \($0)" }
        }
        say(lines.joined(separator: "\n"))
    }

    /// Removes the status line before the final summary.
    func finish() {
        ticker?.cancel()
        state.withLock { state in
            clearStatus(&state)
            fflush(nil)
        }
    }

    fileprivate func redrawStatus() {
        state.withLock { state in
            clearStatus(&state)
            drawStatus(&state)
            fflush(nil)
        }
    }

    private func clearStatus(_ state: inout State) {
        guard interactive, state.statusShown else { return }
        print("\r\u{1B}[2K", terminator: "")
        state.statusShown = false
    }

    private func drawStatus(_ state: inout State) {
        guard interactive, ticker != nil, !(ticker?.isCancelled ?? true) else { return }
        let elapsed = Int((ContinuousClock.now - started).seconds)
        let running = state.running.map { name in
            Self.bootProgress(state.booting[name] ?? []).map { "\(name) (\($0))" } ?? name
        }
        var line = "[\(state.done)/\(total) done, \(elapsed / 60)m\(String(format: "%02d", elapsed % 60))s] running: "
            + (running.isEmpty ? "-" : running.joined(separator: ", "))
        if let first = state.waiting.first {
            line += "; waiting for memory/CPUs: \(first.name) (\(first.need))" + (state.waiting.count > 1 ? " and \(state.waiting.count - 1) more" : "")
        }
        let width = Self.terminalColumns()
        if line.count > width - 1 { line = String(line.prefix(max(20, width - 4))) + "..." }
        print(line, terminator: "")
        state.statusShown = true
    }

    /// `booting: ignition-files` for machines that have not answered over SSH yet; nil once all
    /// of them have.
    static func bootProgress(_ machines: [any Machine]) -> String? {
        let reports = machines.map { $0.bootReport() }.filter { $0.sshReadySeconds == nil }
        guard !reports.isEmpty else { return nil }
        let phases = reports.map { $0.bootPhases.last?.name ?? "firmware" }
        return "booting: " + phases.joined(separator: ", ")
    }

    /// The terminal's width (160 when it cannot be read).
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 160 }
        return Int(size.ws_col)
    }
}

/// Lets the ticker reach the printer without keeping it alive.
private final class WeakBox: @unchecked Sendable {
    weak var printer: ProgressPrinter?
}
