import ArgumentParser
import KilnCore

/// `kiln rollout deadend`: make a release one that cannot auto-update further.
struct RolloutDeadendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadend", abstract: "Make a release a dead-end: machines on it do not auto-update further.")

    @OptionGroup var mark: RolloutMarkOptions

    func run() async throws { try mark.mark(.deadend) }
}
