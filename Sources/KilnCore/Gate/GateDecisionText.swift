/// `kiln gate` without `--json`: a heading with the verdict, then one line per requirement,
/// the blocking ones first, each with its evidence:
///
/// ```text
/// 44.20260705.2.0 to stable as of 2026-07-21T12:00:00Z: BLOCKED, 2 of 9 requirements unsatisfied
/// source stream testing; baseline 44.20260621.3.1 (the current stable release); arches x86_64; platforms qemu
/// BLOCKED  regression  test-result basic.ssh on x86_64/qemu: FAIL in run 31 at ...; baseline 44.20260621.3.1: PASS in run 12 at ...
/// ok       passed      entry-from-stream testing: entered testing at ... from testing-devel; allowed from testing
/// ```
extension GateDecision {
    /// The decision explained, one line per requirement, ending with a newline.
    public var text: String {
        let blocked = unsatisfied
        let verdict = blocked.isEmpty ? "PROMOTABLE, all \(requirements.count) requirements satisfied"
            : "BLOCKED, \(blocked.count) of \(requirements.count) requirements unsatisfied"
        var lines = ["\(build) to \(stream) as of \(GateFormatting.timestamp(at)): \(verdict)"]
        let baselineText = baseline.map { "baseline \($0) (the current \(stream) release)" } ?? "no baseline (\(stream) has no release yet)"
        lines.append("source stream \(sourceStream ?? GatePolicy.noStream); \(baselineText); arches \(arches.joined(separator: ",")); platforms \(platforms.joined(separator: ","))")
        let ordered = blocked + satisfied
        let width = ordered.map(\.statusText.count).max() ?? 0
        for requirement in ordered {
            let mark = requirement.isSatisfied ? "ok     " : "BLOCKED"
            let status = requirement.statusText + String(repeating: " ", count: width - requirement.statusText.count)
            lines.append("\(mark)  \(status)  \(requirement.explanation(build: build))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension GateRequirement {
    /// `regression`, `waived (regression)`.
    var statusText: String {
        guard let waivedStatus else { return status.rawValue }
        return "\(status.rawValue) (\(waivedStatus.rawValue))"
    }

    /// `test-result basic.ssh on x86_64/qemu: evidence; evidence`.
    func explanation(build: String) -> String {
        var head = "\(kind.rawValue) \(subject)"
        if let arch, let platform { head += " on \(arch)/\(platform)" }
        var parts = evidence.map { $0.text }
        if !isSatisfied, !requiredBy.isEmpty, kind == .testResult || kind == .flakeRate {
            parts.append("required by \(requiredBy.joined(separator: ", "))")
        }
        return parts.isEmpty ? head : "\(head): \(parts.joined(separator: "; "))"
    }
}

extension GateEvidence {
    /// The evidence as a phrase of the requirement's line.
    public var text: String {
        switch self {
        case .result(.candidate, let result): return Self.describe(result)
        case .result(.baseline, let result): return "baseline \(result.build): \(Self.describe(result))"
        case .noResult(.candidate, let build): return "no result for \(build)"
        case .noResult(.baseline, let build): return "baseline \(build): no result"
        case .noBaseline(let stream): return "\(stream) has no release to compare with"
        case .entry(let entry):
            return "entered \(entry.stream) at \(GateFormatting.timestamp(entry.at)) "
                + (entry.fromStream.map { "from \($0)" } ?? "(its first stream)")
        case .noEntry(let build): return "\(build) entered no stream"
        case .allowedFrom(let streams): return "allowed from \(streams.joined(separator: ", "))"
        case .soak(let elapsed, let required, let soakedAt):
            return "soaked \(elapsed) of \(required), enough at \(GateFormatting.timestamp(soakedAt))"
        case .flakeRate(let flakes, let runs, let window, let maxRate, let flakeRunIDs):
            let over = runs < window ? "its \(runs) results" : "its last \(runs) results"
            let rate = GateFormatting.percent(Double(flakes) / Double(max(runs, 1)))
            return "\(flakes) \(flakes == 1 ? "flake" : "flakes") in \(over) (\(rate), max \(GateFormatting.percent(maxRate))), runs "
                + flakeRunIDs.map(String.init).joined(separator: ", ")
        case .upgradeFromOther(let result):
            return "\(result.test) upgraded from \(result.upgradeFrom ?? "an unknown build"), not the current release: \(Self.describe(result))"
        case .waiver(let waiver):
            return "waiver \(waiver.id) by \(waiver.waivedBy) until \(GateFormatting.timestamp(waiver.expiresAt)): \(waiver.reason)"
        case .expiredWaiver(let waiver):
            return "waiver \(waiver.id) expired on \(GateFormatting.timestamp(waiver.expiresAt)) (\(waiver.reason))"
        case .note(let text): return text
        }
    }

    /// `FAIL in run 31 at 2026-07-10T09:00:00Z after 2 attempts: "first line of the failure"`.
    private static func describe(_ result: RecordedResult) -> String {
        var text = "\(result.outcome.rawValue) in run \(result.runID) at \(GateFormatting.timestamp(result.finishedAt))"
        if result.attempts > 1 { text += " after \(result.attempts) attempts" }
        if let summary = result.failureSummary?.split(separator: "\n", omittingEmptySubsequences: true).first {
            text += ": \"\(summary)\""
        }
        return text
    }
}
