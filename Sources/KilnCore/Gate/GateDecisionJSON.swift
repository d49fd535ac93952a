/// `kiln gate --json`: the decision as JSON, members in a fixed order, every key always present
/// (null when it does not apply).
///
/// ```json
/// {"build": "...", "stream": "stable", "at": "2026-07-21T12:00:00Z", "promotable": false,
///  "sourceStream": "testing", "baseline": "...", "arches": [...], "platforms": [...],
///  "satisfied": 12, "unsatisfied": 3,
///  "requirements": [{"kind": "test-result", "subject": "basic.ssh", "arch": "x86_64",
///    "platform": "qemu", "status": "regression", "satisfied": false, "waivedStatus": null,
///    "requiredBy": ["tests \"basic.*\""], "evidence": [{"type": "result", "role": "candidate", ...}]}]}
/// ```
///
/// Evidence `type`s: `result`, `no-result`, `no-baseline`, `entry`, `no-entry`, `allowed-from`,
/// `soak`, `flake-rate`, `upgrade-from-other-build`, `waiver`, `expired-waiver`, `note`.
extension GateDecision {
    /// The decision as JSON (`serialized(pretty:)` writes it).
    public var json: JSONValue {
        .object([
            .init(key: "build", value: .string(build)),
            .init(key: "stream", value: .string(stream)),
            .init(key: "at", value: .string(GateFormatting.timestamp(at))),
            .init(key: "promotable", value: .bool(promotable)),
            .init(key: "sourceStream", value: Self.optional(sourceStream)),
            .init(key: "baseline", value: Self.optional(baseline)),
            .init(key: "arches", value: .array(arches.map(JSONValue.string))),
            .init(key: "platforms", value: .array(platforms.map(JSONValue.string))),
            .init(key: "satisfied", value: .number(String(satisfied.count))),
            .init(key: "unsatisfied", value: .number(String(unsatisfied.count))),
            .init(key: "requirements", value: .array(requirements.map(\.json))),
        ])
    }

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}

extension GateRequirement {
    /// The requirement as JSON: kind, subject, arch, platform, status, satisfied, waivedStatus,
    /// requiredBy, evidence.
    public var json: JSONValue {
        .object([
            .init(key: "kind", value: .string(kind.rawValue)),
            .init(key: "subject", value: .string(subject)),
            .init(key: "arch", value: GateDecision.optional(arch)),
            .init(key: "platform", value: GateDecision.optional(platform)),
            .init(key: "status", value: .string(status.rawValue)),
            .init(key: "satisfied", value: .bool(isSatisfied)),
            .init(key: "waivedStatus", value: GateDecision.optional(waivedStatus?.rawValue)),
            .init(key: "requiredBy", value: .array(requiredBy.map(JSONValue.string))),
            .init(key: "evidence", value: .array(evidence.map(\.json))),
        ])
    }
}

extension GateEvidence {
    /// The evidence as a JSON object whose `type` names its case.
    public var json: JSONValue {
        func object(_ type: String, _ members: [(String, JSONValue)]) -> JSONValue {
            .object([JSONMember(key: "type", value: .string(type))] + members.map { JSONMember(key: $0.0, value: $0.1) })
        }
        switch self {
        case .result(let role, let result): return object("result", [("role", .string(role.rawValue))] + Self.members(result))
        case .noResult(let role, let build): return object("no-result", [("role", .string(role.rawValue)), ("build", .string(build))])
        case .noBaseline(let stream): return object("no-baseline", [("stream", .string(stream))])
        case .entry(let entry):
            return object("entry", [("build", .string(entry.build)), ("stream", .string(entry.stream)),
                                    ("fromStream", GateDecision.optional(entry.fromStream)),
                                    ("at", .string(GateFormatting.timestamp(entry.at)))])
        case .noEntry(let build): return object("no-entry", [("build", .string(build))])
        case .allowedFrom(let streams): return object("allowed-from", [("streams", .array(streams.map(JSONValue.string)))])
        case .soak(let elapsed, let required, let soakedAt):
            return object("soak", [("elapsed", .string(elapsed.description)), ("elapsedSeconds", .number(String(elapsed.seconds))),
                                   ("required", .string(required.description)), ("requiredSeconds", .number(String(required.seconds))),
                                   ("soakedAt", .string(GateFormatting.timestamp(soakedAt)))])
        case .flakeRate(let flakes, let runs, let window, let maxRate, let flakeRunIDs):
            return object("flake-rate", [("flakes", .number(String(flakes))), ("runs", .number(String(runs))),
                                         ("window", .number(String(window))),
                                         ("rate", .number(GateFormatting.rate(Double(flakes) / Double(max(runs, 1))))),
                                         ("maxRate", .number(GateFormatting.rate(maxRate))),
                                         ("flakeRunIDs", .array(flakeRunIDs.map { .number(String($0)) }))])
        case .upgradeFromOther(let result): return object("upgrade-from-other-build", Self.members(result))
        case .waiver(let waiver): return object("waiver", Self.members(waiver))
        case .expiredWaiver(let waiver): return object("expired-waiver", Self.members(waiver))
        case .note(let text): return object("note", [("text", .string(text))])
        }
    }

    private static func members(_ result: RecordedResult) -> [(String, JSONValue)] {
        [("runID", .number(String(result.runID))), ("build", .string(result.build)), ("test", .string(result.test)),
         ("arch", .string(result.arch)), ("platform", .string(result.platform)), ("outcome", .string(result.outcome.rawValue)),
         ("attempts", .number(String(result.attempts))), ("finishedAt", .string(GateFormatting.timestamp(result.finishedAt))),
         ("failureSummary", GateDecision.optional(result.failureSummary)), ("upgradeFrom", GateDecision.optional(result.upgradeFrom))]
    }

    private static func members(_ waiver: Waiver) -> [(String, JSONValue)] {
        [("id", .number(String(waiver.id))), ("testPattern", .string(waiver.testPattern)),
         ("fromBuild", GateDecision.optional(waiver.fromBuild)), ("throughBuild", GateDecision.optional(waiver.throughBuild)),
         ("arch", GateDecision.optional(waiver.arch)), ("reason", .string(waiver.reason)), ("waivedBy", .string(waiver.waivedBy)),
         ("createdAt", .string(GateFormatting.timestamp(waiver.createdAt))),
         ("expiresAt", .string(GateFormatting.timestamp(waiver.expiresAt)))]
    }
}
