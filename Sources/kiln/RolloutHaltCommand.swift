import ArgumentParser
import KilnCore
import KilnHarness

/// `kiln rollout halt`: freeze a rollout at the share of clients it has reached.
struct RolloutHaltCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halt",
        abstract: "Freeze a release's rollout at the share of clients it has reached.",
        discussion: """
            Fedora CoreOS has no halted state: the rollout becomes {start_epoch: now, start_percentage: \
            the share reached} without duration_minutes, which Cincinnati reads as no progress. The minutes \
            its schedule had left are kept as kiln.remaining_minutes for kiln rollout resume.
            """)

    @OptionGroup var target: RolloutTarget

    func run() async throws {
        let rollout = try exitingOnError { try target.publisher.halt(stream: target.stream, version: target.version, at: target.date) }
        print("halted the rollout of \(target.version) in \(target.stream) at \(percentage(rollout.startPercentage ?? 0)) of clients"
              + (rollout.remainingMinutes.map { "; \($0) minutes remain (kiln rollout resume)" } ?? ""))
    }
}
