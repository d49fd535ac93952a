public import Foundation

/// The gate's verdict on one build entering one stream: every requirement, how it stands and why.
public struct GateDecision: Sendable, Equatable {
    /// The candidate build.
    public var build: String
    /// The target stream.
    public var stream: String
    /// The instant the decision was made as of (`--at`): history recorded later is ignored.
    public var at: Date
    public var arches: [String]
    public var platforms: [String]
    /// The stream the build comes from (the last it entered other than the target); nil: none.
    public var sourceStream: String?
    /// The target stream's current release, which results are compared with; nil: none yet.
    public var baseline: String?
    /// In evaluation order: entry, soak, upgrades, test results (by test, arch, platform), flake rates.
    public var requirements: [GateRequirement]

    public init(build: String, stream: String, at: Date, arches: [String], platforms: [String],
                sourceStream: String?, baseline: String?, requirements: [GateRequirement]) {
        self.build = build
        self.stream = stream
        self.at = at
        self.arches = arches
        self.platforms = platforms
        self.sourceStream = sourceStream
        self.baseline = baseline
        self.requirements = requirements
    }

    /// Whether every requirement is satisfied (`kiln gate` exits 0, else 1).
    public var promotable: Bool { requirements.allSatisfy(\.isSatisfied) }

    /// The requirements that block the build.
    public var unsatisfied: [GateRequirement] { requirements.filter { !$0.isSatisfied } }

    /// The requirements met (passed, waived, always-failed and the like).
    public var satisfied: [GateRequirement] { requirements.filter(\.isSatisfied) }
}
