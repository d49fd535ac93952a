public import Foundation
import Synchronization

/// How a child process ended.
public enum ProcessExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        }
    }

    public var succeeded: Bool { self == .exited(0) }
}

/// A running child of Kiln. A thread of its own waits for it, so any number of tasks may await
/// its end, and its status is never lost.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let executable: String

    private struct State {
        var status: ProcessExitStatus?
        var waiters: [CheckedContinuation<ProcessExitStatus, Never>] = []
    }

    private let state = Mutex(State())

    init(pid: pid_t, executable: String) {
        self.pid = pid
        self.executable = executable
        let thread = Thread { [self] in self.reap() }
        thread.name = "kiln-wait-\(pid)"
        thread.start()
    }

    private func reap() {
        // Wait without reaping, then reap under the lock: `send` never signals a reaped
        // (and so possibly reused) pid.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        let (status, waiters) = state.withLock { state in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; decode by hand.
            let status: ProcessExitStatus = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signalled(raw & 0x7f)
            state.status = status
            defer { state.waiters = [] }
            return (status, state.waiters)
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// The exit status, once the process has ended.
    public var exitStatus: ProcessExitStatus? { state.withLock { $0.status } }

    /// Sends `signal` unless the process has already ended (and so may have been reaped).
    public func send(_ signal: Int32) {
        state.withLock { state in
            if state.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Waits for the process to end. Not cancellable: the process's end is always awaited.
    public func waitForExit() async -> ProcessExitStatus {
        await withCheckedContinuation { continuation in
            let done: ProcessExitStatus? = state.withLock { state in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Asks the process to stop with `signal`, then kills it after `grace`.
    public func terminate(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> ProcessExitStatus {
        send(signal)
        let killer = Task {
            try await Task.sleep(for: grace)
            send(SIGKILL)
        }
        let status = await waitForExit()
        killer.cancel()
        return status
    }
}
