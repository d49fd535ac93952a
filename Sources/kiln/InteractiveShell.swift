import Foundation
import KilnHarness
import KilnPlatform

/// OpenSSH's `ssh` on a machine, attached to Kiln's terminal.
enum InteractiveShell {
    /// The `ssh` executable, or an error saying how to install it.
    static func executable() throws -> String {
        guard let ssh = findExecutable("ssh") else {
            throw SpawnFailure("ssh not found: OpenSSH's client is needed (harness/setup installs openssh-client)")
        }
        return ssh
    }

    /// Runs `ssh -F <ssh-config> <host>` as a child in Kiln's process group (so that it can read
    /// the terminal) and returns its exit status. Cancelling the task hangs it up (SIGHUP, then
    /// SIGTERM): ssh restores the terminal and exits.
    static func run(_ machine: MachineSession.Entry) async throws -> Int32 {
        let child = try await ProcessSpawner.shared.spawn(
            executable: try executable(), arguments: ["-F", machine.sshConfig, machine.host],
            descriptors: [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO], dieWithParent: true, grouping: .sameGroup)
        let status = await withTaskCancellationHandler {
            await child.waitForExit()
        } onCancel: {
            child.send(SIGHUP)
            child.send(SIGTERM)
        }
        switch status {
        case .exited(let code): return code
        case .signalled(let signal): return 128 + signal
        }
    }
}
