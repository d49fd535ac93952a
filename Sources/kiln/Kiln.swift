import ArgumentParser

/// `kiln`: boots OS images under QEMU, provisions them with Ignition, runs checks over SSH.
@main
struct Kiln: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "An integration-test harness for OS images (QEMU, Ignition, SSH).",
        version: version,
        subcommands: [RunCommand.self, ListCommand.self])
}
