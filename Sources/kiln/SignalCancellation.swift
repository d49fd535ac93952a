import Dispatch
import Foundation
import Synchronization

/// Runs `body` in a task that SIGINT or SIGTERM cancels, so that Ctrl-C ends in the same clean
/// state as a timeout: every machine destroyed, the report written. A second signal exits at once
/// (QEMU still dies with Kiln: it gets SIGKILL when its parent goes).
/// - Returns: the body's result and the signal that interrupted it, if any.
func withSignalCancellation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> (T, Int32?) {
    let task = Task { try await body() }
    let received = SignalBox()
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            if received.record(signalNumber) {
                FileHandle.standardError.write(Data("\nkiln: \(signalNumber == SIGINT ? "interrupted" : "terminated"), stopping machines (again to exit at once)\n".utf8))
                task.cancel()
            } else {
                _exit(128 + signalNumber)
            }
        }
        source.resume()
        sources.append(source)
    }
    defer { sources.forEach { $0.cancel() } }
    let value = try await task.value
    return (value, received.first)
}

/// The first signal received.
private final class SignalBox: Sendable {
    private let signals = Mutex<[Int32]>([])

    /// Records a signal; true if it is the first.
    func record(_ signal: Int32) -> Bool {
        signals.withLock {
            $0.append(signal)
            return $0.count == 1
        }
    }

    var first: Int32? { signals.withLock { $0.first } }
}
