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

    /// The arguments as a shell would take them back, for printing.
    public var shellText: String {
        (["kiln", command] + arguments).map(Shell.quotedIfNeeded).joined(separator: " ")
    }
}
