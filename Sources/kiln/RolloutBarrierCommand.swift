import ArgumentParser
import KilnCore
import KilnHarness

/// `kiln rollout barrier`: make a release a chokepoint that older releases update through.
struct RolloutBarrierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "barrier", abstract: "Make a release a barrier: older releases must update to it before anything newer.")

    @OptionGroup var mark: RolloutMarkOptions

    func run() async throws { try mark.mark(.barrier) }
}

/// The release to mark a barrier or dead-end, and why.
struct RolloutMarkOptions: ParsableArguments {
    @OptionGroup var target: RolloutTarget

    @Option(help: "The URL of the issue or page that explains why (and, for a dead-end, how to update out of it).")
    var reason: String

    /// Marks the release and says so.
    func mark(_ kind: UpdateMarkerKind) throws {
        try exitingOnError {
            try target.publisher.mark(kind, stream: target.stream, version: target.version, reason: reason, at: target.date)
        }
        print("marked \(target.version) a \(kind.rawValue) of \(target.stream): \(reason)")
    }
}
