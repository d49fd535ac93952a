internal import Foundation

/// One evaluation's inputs, gathered once: the target stream's policy, the candidate's and the
/// baseline's results per arch, the waivers. `GateEvaluator` builds it; its extensions turn it
/// into requirements.
struct GateEvaluation {
    let policy: StreamGatePolicy
    let build: String
    let at: Date
    let arches: [String]
    let platforms: [String]
    /// The target stream's current release.
    let baseline: String?
    /// Per arch, oldest first.
    let candidateResults: [String: [RecordedResult]]
    let baselineResults: [String: [RecordedResult]]
    /// By id.
    let waivers: [Waiver]
    let versionPrecedes: @Sendable (String, String) -> Bool

    /// The build comes from a stream the policy allows.
    func entryRequirement(_ sourceEntry: StreamEntry?) -> GateRequirement {
        let source = sourceEntry?.stream ?? GatePolicy.noStream
        return GateRequirement(
            kind: .entryFromStream, subject: source,
            status: policy.from.contains(source) ? .passed : .notAllowedFromStream,
            evidence: [sourceEntry.map(GateEvidence.entry) ?? .noEntry(build: build), .allowedFrom(policy.from)])
    }

    /// The build has been in its source stream for at least `soak`.
    func soakRequirement(_ sourceEntry: StreamEntry?, soak: GateDuration) -> GateRequirement {
        guard let sourceEntry else {
            return GateRequirement(kind: .soak, subject: GatePolicy.noStream, status: .missing,
                                   evidence: [.noEntry(build: build), .note("soak needs \(soak) in a source stream")])
        }
        let elapsed = at.timeIntervalSince(sourceEntry.at)
        return GateRequirement(
            kind: .soak, subject: sourceEntry.stream, status: elapsed >= Double(soak.seconds) ? .passed : .tooYoung,
            evidence: [.entry(sourceEntry),
                       .soak(elapsed: GateDuration(interval: elapsed), required: soak,
                             soakedAt: sourceEntry.at.addingTimeInterval(Double(soak.seconds)))])
    }

    /// Per arch and platform: an upgrade test from the current release passed.
    func upgradeRequirements() -> [GateRequirement] {
        var requirements: [GateRequirement] = []
        for arch in arches {
            for platform in platforms {
                guard let baseline else {
                    requirements.append(GateRequirement(kind: .upgradeFromCurrent, subject: GatePolicy.noStream, arch: arch,
                                                        platform: platform, status: .notApplicable,
                                                        evidence: [.noBaseline(stream: policy.name)]))
                    continue
                }
                let upgrades = Self.newestPerTest((candidateResults[arch] ?? []).filter {
                    $0.platform == platform && $0.tags.contains(GatePolicy.upgradeTag) && !$0.tags.contains(GatePolicy.rollbackTag)
                })
                let fromCurrent = upgrades.filter { $0.upgradeFrom == baseline }
                var requirement = GateRequirement(kind: .upgradeFromCurrent, subject: baseline, arch: arch,
                                                  platform: platform, status: .missing)
                if let result = fromCurrent.first(where: { candidateStatus($0.outcome)?.isSatisfied == true }) ?? fromCurrent.first {
                    requirement.status = candidateStatus(result.outcome) ?? .failed
                    requirement.isSatisfied = requirement.status.isSatisfied
                    requirement.evidence = [.result(.candidate, result)]
                } else {
                    requirement.evidence = [.noResult(.candidate, build: build)] + upgrades.map(GateEvidence.upgradeFromOther)
                }
                requirements.append(requirement)
            }
        }
        return requirements
    }

    /// What a candidate's outcome says by itself: nil for a failure (FAIL, TIMEOUT, and FLAKE
    /// when a rerun pass does not count), whose status depends on the baseline.
    func candidateStatus(_ outcome: TestOutcome) -> GateRequirement.Status? {
        switch outcome {
        case .pass: .passed
        case .warn: .passedWithWarning
        case .flake: policy.flakes.rerunPassCounts ? .flakedPassedOnRerun : nil
        case .skip: .skipped
        case .fail, .timeout: nil
        }
    }

    /// The newest of `results` (by finish time, then run id).
    static func newest(_ results: [RecordedResult]) -> RecordedResult? {
        results.max { ($0.finishedAt, $0.runID) < ($1.finishedAt, $1.runID) }
    }

    /// The newest result of each test, newest first.
    static func newestPerTest(_ results: [RecordedResult]) -> [RecordedResult] {
        Dictionary(grouping: results, by: \.test).values.compactMap(newest)
            .sorted { ($0.finishedAt, $0.runID, $0.test) > ($1.finishedAt, $1.runID, $1.test) }
    }
}
