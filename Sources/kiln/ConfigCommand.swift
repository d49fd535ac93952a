import ArgumentParser

/// `kiln config`: work with Ignition configs without booting anything.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check Ignition configs.",
        subcommands: [ConfigValidateCommand.self])
}
