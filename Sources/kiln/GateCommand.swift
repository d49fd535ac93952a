import ArgumentParser
import Foundation
import KilnCore
import KilnResults

/// `kiln gate`: may this build enter that stream? Every requirement of the policy, satisfied
/// or not, with its evidence.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Decide whether a build may enter a stream, and explain why.",
        discussion: """
            The decision is recorded in the results database unless --dry-run is given (use it to try a changed \
            policy against history). Exit status: 0 promotable, 1 blocked, 2 bad input.
            """)

    @OptionGroup var inputs: GateInputs

    @Option(help: "The gate policy (YAML), e.g. a changed one to try with --dry-run. Default: <workdir>/gate-policy.yaml, which kiln promote always uses.")
    var policy: String?

    @Option(help: "Decide as of this instant (ISO 8601, or YYYY-MM-DD at 00:00 UTC): results, entries and waivers recorded later are not seen, soak time is counted to it. Default: now. kiln promote always decides as of now.")
    var at: Timestamp?

    @Flag(help: "Print the decision as JSON.")
    var json = false

    @Flag(help: "Decide without recording the decision.")
    var dryRun = false

    func run() async throws {
        let (decision, database, digest) = try inputs.decide(policyPath: policy, at: at?.date ?? Date())
        print(json ? decision.json.serialized(pretty: true) : decision.text, terminator: json ? "\n" : "")
        if !dryRun {
            _ = try exitingOnError { try database.recordDecision(decision, policySHA256: digest) }
        }
        if !decision.promotable { throw ExitCode(1) }
    }
}
