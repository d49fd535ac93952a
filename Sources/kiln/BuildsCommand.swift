import ArgumentParser

/// `kiln builds`: the work directory's build store.
struct BuildsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builds",
        abstract: "List, show and import the builds of the work directory (builds/, as coreos-assembler lays them out).",
        subcommands: [BuildsListCommand.self, BuildsShowCommand.self, BuildsImportCommand.self])
}
