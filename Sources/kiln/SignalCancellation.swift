import Dispatch
import Foundation
import Synchronization

/// Runs `body` in a task that SIGINT or SIGTERM cancels, so that Ctrl-C ends in the same clean
/// state as a timeout: every machine destroyed, the report written. A second signal exits at once
/// (QEMU still dies with Kiln: it gets SIGKILL when its parent goes). Outside such a body the
/// two signals are ignored once the first body has started.
/// - Returns: the body's result and the signal that interrupted it, if any.
func withSignalCancellation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> (T, Int32?) {
    let task = Task { try await body() }
    let received = SignalBox()
    let previous = SignalSources.shared.install { signalNumber in
        if received.record(signalNumber) {
            FileHandle.standardError.write(Data("\nkiln: \(signalNumber == SIGINT ? "interrupted" : "terminated"), stopping machines (again to exit at once)\n".utf8))
            task.cancel()
        } else {
            _exit(128 + signalNumber)
        }
    }
    defer { SignalSources.shared.restore(previous) }
    let value = try await task.value
    return (value, received.first)
}

/// SIGINT and SIGTERM as dispatch sources made once for the life of the process: on Linux,
/// libdispatch delivers a signal only to the first source made for it (a source made after
/// another was cancelled never fires), so a second `withSignalCancellation` in one process
/// (`kiln run --keep-failed` holding its machines after the run) installs its handler here.
private final class SignalSources: Sendable {
    typealias Handler = @Sendable (Int32) -> Void

    static let shared = SignalSources()

    private let slot = HandlerSlot()
    /// Kept for the life of the process.
    private let sources: Mutex<[any DispatchSourceSignal]>

    private init() {
        let slot = self.slot
        var made: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { slot.handler.withLock { $0 }?(signalNumber) }
            source.resume()
            made.append(source)
        }
        sources = Mutex(made)
    }

    /// Makes `handler` the one signals go to; returns the one it replaces.
    func install(_ new: @escaping Handler) -> Handler? {
        slot.handler.withLock { current in
            defer { current = new }
            return current
        }
    }

    /// Puts back what ``install(_:)`` returned.
    func restore(_ previous: Handler?) {
        slot.handler.withLock { $0 = previous }
    }

    /// Where the handler of the moment is.
    private final class HandlerSlot: Sendable {
        let handler = Mutex<Handler?>(nil)
    }
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
