import ArgumentParser
import Foundation
import KilnCore
import KilnHarness
import KilnResults

/// `kiln rollout`: steer the rollouts of published releases (`updates/<stream>.json`).
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Halt or resume a release's rollout, or mark it a barrier or dead-end (updates/<stream>.json).",
        subcommands: [RolloutHaltCommand.self, RolloutResumeCommand.self, RolloutBarrierCommand.self, RolloutDeadendCommand.self])
}

/// The release a rollout command acts on, and when.
struct RolloutTarget: ParsableArguments {
    @Option(help: "The stream (stable, testing, ...).")
    var stream: String

    @Option(help: "The release's version.")
    var version: String

    @Option(help: "When, as an ISO 8601 UTC timestamp (2026-07-21T14:00:00Z). Default: now.")
    var at: Timestamp?

    @OptionGroup var workdir: WorkdirOptions

    var publisher: ReleasePublisher { ReleasePublisher(workdir: workdir.path, generator: "kiln v\(Kiln.version)") }
    var date: Date { at?.date ?? Date() }
}

/// A `--at` timestamp: ISO 8601 with a zone (`2026-07-21T14:00:00Z`, `...+02:00`), or a day
/// (`2026-07-21`, its start in UTC).
struct Timestamp: ExpressibleByArgument {
    var date: Date

    init?(argument: String) {
        guard let date = ISO8601DateFormatter().date(from: argument) ?? ResultsFilter.startOfDay(argument) else { return nil }
        self.date = date
    }

    static var defaultValueDescription: String { "now" }
}

/// `41.7%`.
func percentage(_ share: Double) -> String {
    String(format: "%.1f%%", share * 100)
}

/// `2026-07-21T14:00:00Z`.
func timestamp(epoch: Int) -> String {
    ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(epoch)))
}
