import Foundation
public import KilnCore
import Synchronization

/// Follows a machine's serial console file as its hypervisor writes it and feeds a
/// `ConsoleAnalyzer`.
public final class ConsoleWatcher: Sendable {
    public let path: String
    private let started: ContinuousClock.Instant
    private struct State {
        var analyzer = ConsoleAnalyzer()
        var offset: UInt64 = 0
        /// The start of a UTF-8 character whose other bytes QEMU has not written yet.
        var incomplete: [UInt8] = []
        var finished = false
    }
    private let state = Mutex(State())
    /// Whether a failed boot on the console (panic, emergency shell) ends the machine's boot;
    /// false when the guest is expected to fail and recover by itself (a rollback test).
    public let failedBootIsFatal: Bool

    public init(path: String, started: ContinuousClock.Instant, failedBootIsFatal: Bool = true) {
        self.path = path
        self.started = started
        self.failedBootIsFatal = failedBootIsFatal
    }

    private var elapsed: Double { (ContinuousClock.now - started).seconds }

    /// Reads what was added since the last call.
    public func poll() {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        state.withLock { state in
            guard !state.finished else { return }
            do {
                try handle.seek(toOffset: state.offset)
                guard let data = try handle.readToEnd(), !data.isEmpty else { return }
                state.offset += UInt64(data.count)
                let bytes = state.incomplete + Array(data)
                let complete = completeUTF8Prefix(bytes)
                state.incomplete = Array(bytes[complete...])
                state.analyzer.consume(String(decoding: bytes[..<complete], as: UTF8.self), at: elapsed)
            } catch {
                return
            }
        }
    }

    /// Reads the rest once QEMU is gone; later polls do nothing.
    public func finish() {
        poll()
        state.withLock { state in
            guard !state.finished else { return }
            state.analyzer.consume(String(decoding: state.incomplete, as: UTF8.self), at: elapsed)
            state.analyzer.finish(at: elapsed)
            state.finished = true
        }
    }

    /// What made the boot fail, when the console shows it (and failed boots are fatal).
    public var fatal: ConsoleAnalyzer.Fatal? { failedBootIsFatal ? state.withLock { $0.analyzer.fatal } : nil }
    public var phases: [BootPhase] { state.withLock { $0.analyzer.phases } }
    public var hostKeys: [String] { state.withLock { $0.analyzer.hostKeys } }
    /// Host-key lines so far, one per boot of a guest that prints its key.
    public var hostKeyLines: Int { state.withLock { $0.analyzer.hostKeyLines } }

    /// The console's last `count` lines, for error messages.
    public func tail(lines count: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        // A serial console ends lines with "\r\n", which Swift reads as one Character.
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).suffix(count)
            .map { ConsoleAnalyzer.clean(String($0)) }.joined(separator: "\n")
    }
}

/// The length of the longest prefix of `bytes` that does not end inside a UTF-8 character.
func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
    // Look back over at most three continuation bytes for the lead byte of the last character.
    var index = bytes.count
    var continuation = 0
    while index > 0 && continuation < 3 && bytes[index - 1] & 0xC0 == 0x80 {
        index -= 1
        continuation += 1
    }
    guard index > 0 else { return bytes.count }
    let lead = bytes[index - 1]
    let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
    return needed > continuation ? index - 1 : bytes.count
}
