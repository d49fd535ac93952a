import ArgumentParser
import KilnCore
import KilnHarness

/// `kiln rollout resume`: carry a halted rollout on from where it stopped.
struct RolloutResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a halted rollout from the share it was frozen at, over the minutes it had left (or --duration).")

    @OptionGroup var target: RolloutTarget

    @Option(help: "Minutes from now to all clients, instead of what the halted schedule had left.")
    var duration: Int?

    func run() async throws {
        let rollout = try exitingOnError {
            try target.publisher.resume(stream: target.stream, version: target.version, at: target.date, durationMinutes: duration)
        }
        print("resumed the rollout of \(target.version) in \(target.stream) from \(percentage(rollout.startPercentage ?? 0)) over "
              + "\(rollout.durationMinutes ?? 0) minutes, to all clients at \(timestamp(epoch: rollout.endEpoch ?? 0))")
    }
}
