import ArgumentParser

/// `kiln config`: work with Ignition and Butane configs without booting anything.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check and translate Ignition and Butane configs.",
        subcommands: [ConfigValidateCommand.self, ConfigTranslateCommand.self])
}
