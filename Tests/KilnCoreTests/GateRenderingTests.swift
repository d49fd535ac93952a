import Foundation
import KilnTesting
import Testing

@testable import KilnCore

/// The decision as text and as JSON, against golden files under fixtures/gate (regenerate them
/// with KILN_UPDATE_GOLDEN=1).
struct GateRenderingTests {
    typealias Seed = GateSeed

    static let cases: [(name: String, build: String, at: Date)] = [
        ("blocked", Seed.late, Seed.date(7, 15)),
        // Waiver 1 still covers basic.ignition.
        ("blocked-waived", Seed.late, Seed.date(7, 9)),
        ("promotable", Seed.promotable, Seed.date(7, 5, 12)),
    ]

    func decision(_ build: String, at: Date) throws -> GateDecision {
        try Seed.evaluator().evaluate(build: build, to: "stable", at: at)
    }

    @Test(arguments: cases.map(\.name))
    func theTextExplanationMatchesItsGoldenFile(name: String) throws {
        let example = try #require(Self.cases.first { $0.name == name })
        let text = try decision(example.build, at: example.at).text
        let mismatch = Fixtures.compareGolden(text, "gate/decision-\(name).txt")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test(arguments: cases.map(\.name))
    func theJSONMatchesItsGoldenFileAndParses(name: String) throws {
        let example = try #require(Self.cases.first { $0.name == name })
        let decision = try decision(example.build, at: example.at)
        let json = decision.json.serialized(pretty: true) + "\n"
        let mismatch = Fixtures.compareGolden(json, "gate/decision-\(name).json")
        #expect(mismatch == nil, "\(mismatch ?? "")")
        let parsed = try JSONDocument(parsing: json).value
        #expect(parsed == decision.json)
        #expect(parsed["promotable"] == .bool(decision.promotable))
    }

    @Test func blockedRequirementsComeFirst() throws {
        let lines = try decision(Seed.late, at: Seed.date(7, 15)).text.split(separator: "\n").dropFirst(2)
        let blocked = lines.prefix { $0.hasPrefix("BLOCKED") }
        #expect(!blocked.isEmpty && lines.dropFirst(blocked.count).allSatisfy { $0.hasPrefix("ok") })
    }

    @Test func timestampsAndRatesHaveFixedNotations() {
        #expect(GateFormatting.timestamp(Seed.date(7, 5, 12).addingTimeInterval(61.9)) == "2026-07-05T12:01:01Z")
        #expect(GateFormatting.timestamp(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(GateFormatting.rate(0.2) == "0.2" && GateFormatting.rate(1.0 / 3) == "0.3333" && GateFormatting.rate(1) == "1")
        #expect(GateFormatting.percent(0.2) == "20%" && GateFormatting.percent(1.0 / 3) == "33.3%")
    }
}
