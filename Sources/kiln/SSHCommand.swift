import ArgumentParser
import Foundation
import KilnHarness

/// `kiln ssh`: OpenSSH's `ssh` into a machine that `kiln spawn` or `kiln run --keep-failed` holds.
struct SSHCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh",
        abstract: "Log in to a running machine (kiln spawn, kiln run --keep-failed), or run a command on it.",
        discussion: """
            Replaces itself with `ssh -F <the machine's ssh-config> <host> [-- COMMAND...]`: with a COMMAND, its \
            exit status is the command's (255 when ssh itself fails). MACHINE is a machine's name, SESSION/NAME, \
            or a session's name (its first machine). Exit status 2: no such machine.
            """)

    @Argument(help: "The machine: its name, SESSION/NAME, or a session's name.")
    var machine: String

    @Argument(parsing: .postTerminator, help: "A command to run instead of a login shell (after --).")
    var command: [String] = []

    @OptionGroup var workdir: WorkdirOptions

    func run() throws {
        let found = try exitingOnError { try MachineRegistry(workdir: workdir.path).find(machine: machine) }
        let ssh = try exitingOnError { try InteractiveShell.executable() }
        let arguments = ["ssh", "-F", found.machine.sshConfig, found.machine.host] + (command.isEmpty ? [] : ["--"] + command)
        var cArguments = arguments.map { strdup($0) } + [nil]
        execv(ssh, &cArguments)
        let failure = errno
        cArguments.forEach { free($0) }
        throw RunCommand.fail("cannot run \(ssh): \(String(cString: strerror(failure)))", status: 1)
    }
}
