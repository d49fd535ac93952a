import Foundation
public import KilnCore
import Synchronization

/// An event QEMU reported on its monitor (`SHUTDOWN`, `RESET`, `GUEST_PANICKED`, …).
public struct QMPEvent: Sendable, Equatable {
    public var name: String
    public var data: JSONValue?
    /// Seconds since the machine started.
    public var seconds: Double
}

/// A QEMU Machine Protocol client over Kiln's end of a socket pair. A thread reads the socket,
/// answers commands in order and records events.
final class QMPClient: Sendable {
    private struct State {
        var greeted = false
        var greetingWaiters: [CheckedContinuation<Void, any Error>] = []
        var pending: [CheckedContinuation<JSONValue, any Error>] = []
        var events: [QMPEvent] = []
        var closed = false
    }

    private let fd: Int32
    private let state = Mutex(State())
    private let started: ContinuousClock.Instant

    /// Takes ownership of `fd`.
    init(fd: Int32, started: ContinuousClock.Instant) {
        self.fd = fd
        self.started = started
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "kiln-qmp"
        thread.start()
    }

    var events: [QMPEvent] { state.withLock { $0.events } }

    /// Waits for QEMU's greeting and enters command mode.
    func handshake() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready: Result<Void, any Error>? = state.withLock { state in
                if state.greeted { return .success(()) }
                if state.closed { return .failure(QMPError.closed) }
                state.greetingWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
        _ = try await execute("qmp_capabilities")
    }

    /// Runs a command and returns its `return` value.
    func execute(_ command: String, arguments: JSONValue? = nil) async throws -> JSONValue {
        var message: JSONValue = .object([JSONMember(key: "execute", value: .string(command))])
        if let arguments { message = message.setting("arguments", to: arguments) }
        let line = Array((message.serialized() + "\n").utf8)
        return try await withCheckedThrowingContinuation { continuation in
            let failure: (any Error)? = state.withLock { state in
                if state.closed { return QMPError.closed }
                state.pending.append(continuation)
                // Written under the lock so that requests and waiters stay in the same order.
                var offset = 0
                while offset < line.count {
                    let n = line[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 {
                        state.pending.removeLast()
                        return QMPError.closed
                    }
                    offset += n
                }
                return nil
            }
            if let failure { continuation.resume(throwing: failure) }
        }
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        var pending = [UInt8]()
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                handle(line)
            }
        }
        let (greeters, waiters) = state.withLock { state in
            state.closed = true
            close(fd)  // under the lock: no write or shutdown can race with reuse of the number
            defer {
                state.greetingWaiters = []
                state.pending = []
            }
            return (state.greetingWaiters, state.pending)
        }
        greeters.forEach { $0.resume(throwing: QMPError.closed) }
        waiters.forEach { $0.resume(throwing: QMPError.closed) }
    }

    private func handle(_ line: String) {
        guard let message = try? JSONDocument(parsing: line).value else { return }
        if message["QMP"] != nil {
            let greeters = state.withLock { state in
                state.greeted = true
                defer { state.greetingWaiters = [] }
                return state.greetingWaiters
            }
            greeters.forEach { $0.resume() }
        } else if let name = message["event"]?.stringValue {
            let event = QMPEvent(name: name, data: message["data"], seconds: (ContinuousClock.now - started).seconds)
            state.withLock { $0.events.append(event) }
        } else if message["return"] != nil || message["error"] != nil {
            let waiter = state.withLock { $0.pending.isEmpty ? nil : $0.pending.removeFirst() }
            if let error = message["error"] {
                waiter?.resume(throwing: QMPError.command(error["desc"]?.stringValue ?? error.serialized()))
            } else {
                waiter?.resume(returning: message["return"] ?? .null)
            }
        }
    }

    /// Stops talking; the read thread closes the descriptor when QEMU is gone.
    func shutdownWrites() {
        state.withLock { state in
            if !state.closed { shutdown(fd, Int32(SHUT_WR)) }
        }
    }
}

/// A QMP failure.
enum QMPError: Error, CustomStringConvertible {
    case closed
    case command(String)

    var description: String {
        switch self {
        case .closed: "the QEMU monitor connection is closed"
        case .command(let text): "QEMU monitor command failed: \(text)"
        }
    }
}
