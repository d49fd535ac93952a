public import Foundation

/// Decides whether a build may enter a stream, from the policy and recorded history alone (no
/// I/O of its own: everything it reads comes through `GateHistory`).
///
/// The requirements, in the decision's order:
/// - entry-from-stream: the build's source stream, the last stream other than the target it
///   entered (`none` if it entered none), is one of the policy's `from`;
/// - soak (with `soak`): at least that long has passed since it entered its source stream;
/// - upgrade-from-current (with `upgrade-from-current`), per arch and platform: the newest
///   result of an `upgrade`-tagged test that updated from the target stream's current release;
/// - test-result, per required test, arch and platform (see `GateEvaluation`): the newest
///   result of the candidate, compared with the current release's when it fails;
/// - flake-rate (with `max-rate`), per required test, arch and platform that flaked at least
///   once among its newest `window` results: the share of FLAKE among those results.
///
/// The baseline is the target stream's current release: the last build that entered it other
/// than the candidate (so a build already promoted is judged against its predecessor).
/// Waivers cover unsatisfied test-result and flake-rate requirements only.
public struct GateEvaluator: Sendable {
    /// The policy, whose stream entries say what each target stream requires.
    public var policy: GatePolicy
    /// Where results, stream entries and waivers are read from.
    public var history: any GateHistory
    /// Every test the gate knows of; required rules are resolved against these and against the
    /// tests the candidate has results for.
    public var knownTests: [GateTest]
    /// The order of build versions, for waivers' build ranges.
    public var versionPrecedes: @Sendable (String, String) -> Bool

    public init(policy: GatePolicy, history: any GateHistory, knownTests: [GateTest],
                versionPrecedes: @escaping @Sendable (String, String) -> Bool = BuildVersion.precedes) {
        self.policy = policy
        self.history = history
        self.knownTests = knownTests
        self.versionPrecedes = versionPrecedes
    }

    /// The decision on `build` entering `stream`, as history stood at `at`, with results
    /// required on `arches` (default: the policy's). Throws `GateEvaluationError` when the
    /// policy does not gate `stream`, and what the history throws.
    public func evaluate(build: String, to stream: String, arches: [String]? = nil, at: Date) throws -> GateDecision {
        guard let streamPolicy = policy.stream(stream) else {
            throw GateEvaluationError(message: "the gate policy has no stream \"\(stream)\" (it gates: \(policy.streams.map(\.name).joined(separator: ", ")))")
        }
        let arches = arches ?? policy.arches
        let baseline = try history.entries(stream: stream, at: at).last { $0.build != build }?.build
        let sourceEntry = try history.entries(build: build, at: at).last { $0.stream != stream }
        var candidateResults: [String: [RecordedResult]] = [:]
        var baselineResults: [String: [RecordedResult]] = [:]
        for arch in arches {
            candidateResults[arch] = try history.results(build: build, arch: arch, at: at)
            if let baseline { baselineResults[arch] = try history.results(build: baseline, arch: arch, at: at) }
        }
        let evaluation = GateEvaluation(
            policy: streamPolicy, build: build, at: at, arches: arches, platforms: policy.platforms, baseline: baseline,
            candidateResults: candidateResults, baselineResults: baselineResults,
            waivers: try history.waivers(at: at).sorted { $0.id < $1.id }, versionPrecedes: versionPrecedes)

        var requirements = [evaluation.entryRequirement(sourceEntry)]
        if let soak = streamPolicy.soak { requirements.append(evaluation.soakRequirement(sourceEntry, soak: soak)) }
        if streamPolicy.upgradeFromCurrent { requirements += evaluation.upgradeRequirements() }
        let required = evaluation.requiredTests(knownTests)
        requirements += evaluation.testRequirements(required)
        if streamPolicy.flakes.maxRate != nil {
            requirements += try evaluation.flakeRateRequirements(required, history: history)
        }
        return GateDecision(build: build, stream: stream, at: at, arches: arches, platforms: policy.platforms,
                            sourceStream: sourceEntry?.stream, baseline: baseline, requirements: requirements)
    }
}

/// A gate evaluation that cannot be made (the policy does not gate the stream).
public struct GateEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for the user.
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
