import ArgumentParser
import Foundation
import KilnCore
import KilnHarness
import KilnResults

/// `kiln promote`: a build enters a stream, only when the gate lets it. Publishes Fedora
/// CoreOS-format release metadata and records the entry; there is no flag that skips the gate
/// (accepting a failure is a waiver: `kiln waive`, recorded and expiring). It decides with the
/// work directory's policy as of now: `kiln gate`'s `--policy` and `--at` would let a lenient
/// file or a future instant (a soak not yet served) stand in for the gate.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Promote a build into a stream when the gate passes; publish its release metadata.",
        discussion: """
            Writes prod/streams/<stream>/builds/<version>/release.json, prod/streams/<stream>/releases.json, \
            streams/<stream>.json and updates/<stream>.json (with the rollout) in the work directory, each \
            atomically, and records the build's entry into the stream. It decides as kiln gate does, with \
            <workdir>/gate-policy.yaml as of now (kiln gate --policy/--at try other policies and instants; \
            promote has neither). The files are written before the entry is recorded, so a promotion \
            interrupted while writing is finished by running it again (the same build published again: its \
            files rewritten, its rollout started anew). Exit status: 0 promoted, 1 blocked \
            by the gate (nothing written), 2 bad input.
            """)

    @OptionGroup var inputs: GateInputs

    @Option(help: "When the rollout starts (ISO 8601). Default: the promotion's instant.")
    var rolloutStart: Timestamp?

    @Option(help: "Hours the rollout takes to reach every client; 0 offers the release to all at once.")
    var rolloutHours: Int = 48

    @Option(help: "The share of clients (0 to 1) offered the release when the rollout starts.")
    var rolloutStartPercentage: Double = 0

    @Option(help: "The URL the work directory is served at, for the metadata's links. Default: file://<workdir>.")
    var baseURL: String?

    func run() async throws {
        guard rolloutHours >= 0, (0...1).contains(rolloutStartPercentage) else {
            throw RunCommand.fail("--rollout-hours must be 0 or more and --rollout-start-percentage between 0 and 1", status: 2)
        }
        let instant = Date()
        let (decision, database, digest) = try inputs.decide(at: instant)
        _ = try exitingOnError { try database.recordDecision(decision, policySHA256: digest) }
        guard decision.promotable else {
            print(decision.text, terminator: "")
            print("kiln promote: \(inputs.build) does not enter \(inputs.stream): the gate blocks it; nothing was written")
            throw ExitCode(1)
        }
        let workdir = inputs.workdir.path
        let rollout = rolloutHours == 0
            ? Rollout.complete
            : Rollout(start: rolloutStart?.date ?? instant, startPercentage: rolloutStartPercentage, durationMinutes: rolloutHours * 60)
        let publication = try exitingOnError {
            let build = try LoadedBuild.load(from: "\(workdir)/builds/\(inputs.build)")
            let base = baseURL ?? "file://\(URL(fileURLWithPath: workdir).standardizedFileURL.path)"
            return try ReleasePublisher(workdir: workdir, generator: "kiln v\(Kiln.version)")
                .publish(build: build, to: inputs.stream, rollout: rollout, at: instant, baseURL: base)
        }
        let from = decision.sourceStream.flatMap { $0 == GatePolicy.noStream ? nil : $0 }
        _ = try exitingOnError {
            try database.recordEntry(StreamEntry(build: inputs.build, stream: inputs.stream, fromStream: from, at: instant))
        }
        print(decision.text, terminator: "")
        for file in publication.written { print("wrote \(workdir)/\(file)") }
        print("kiln promote: \(inputs.build) entered \(inputs.stream)" + (from.map { " from \($0)" } ?? ""))
    }
}
