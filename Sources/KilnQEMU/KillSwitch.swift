import Foundation
import KilnPlatform
import Synchronization

/// Kills a machine's QEMU when its task is cancelled, whether QEMU has started yet or not: a
/// switch fired before QEMU starts kills it as soon as it is armed with the process.
final class KillSwitch: Sendable {
    private struct State {
        var process: ChildProcess?
        var fired = false
    }
    private let state = Mutex(State())

    /// Hands over the process; kills it at once if the switch already fired.
    func arm(_ process: ChildProcess) {
        let fired = state.withLock { state in
            state.process = process
            return state.fired
        }
        if fired { process.send(SIGKILL) }
    }

    /// Kills the process, now or as soon as it is armed. Does not wait.
    func fire() {
        let process = state.withLock { state in
            state.fired = true
            return state.process
        }
        process?.send(SIGKILL)
    }
}
