/// How a run was started: the `kiln` subcommand, its arguments as given and the directory they
/// were given in. `kiln rerun` starts the same run again from it, with other test names.
public struct RunInvocation: Sendable, Equatable, Codable {
    /// `run` or `run-upgrade`.
    public var command: String
    /// The subcommand's arguments, without `kiln` and the subcommand's name.
    public var arguments: [String]
    /// The working directory relative paths in `arguments` are relative to.
    public var workingDirectory: String

    public init(command: String, arguments: [String], workingDirectory: String) {
        self.command = command
        self.arguments = arguments
        self.workingDirectory = workingDirectory
    }

    /// The invocation in `commandLine` (`kiln run ARGS...`, as `CommandLine.arguments` has
    /// it) of `command`; nil when `command` is not in it.
    public init?(command: String, commandLine: [String], workingDirectory: String) {
        guard let index = commandLine.dropFirst().firstIndex(of: command) else { return nil }
        self.init(command: command, arguments: Array(commandLine[(index + 1)...]), workingDirectory: workingDirectory)
    }

    /// The arguments as a shell would take them back, for printing.
    public var shellText: String {
        (["kiln", command] + arguments).map(Shell.quotedIfNeeded).joined(separator: " ")
    }
}
