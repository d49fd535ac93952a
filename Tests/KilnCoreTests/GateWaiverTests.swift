import Foundation
import Testing

@testable import KilnCore

/// Waivers: scope (test glob, arch, build range) and expiry.
struct GateWaiverTests {
    typealias Seed = GateSeed

    func ignition(at: Date, waivers: [Waiver]? = nil) throws -> GateRequirement {
        var history = Seed.history
        if let waivers { history.waivers = waivers }
        let decision = try Seed.evaluator(history: history).evaluate(build: Seed.late, to: "stable", at: at)
        return try #require(decision.requirements.first { $0.kind == .testResult && $0.subject == "basic.ignition" })
    }

    static func waiver(_ id: Int64, _ pattern: String, from: String? = nil, through: String? = nil, arch: String? = nil,
                       expires: Date = Seed.date(12, 31)) -> Waiver {
        Waiver(id: id, testPattern: pattern, fromBuild: from, throughBuild: through, arch: arch,
               reason: "https://github.com/example/kiln/issues/\(id)", waivedBy: "dana", createdAt: Seed.date(7, 6), expiresAt: expires)
    }

    @Test func aWaiverCoversAMissingResultUntilItExpires() throws {
        let waived = try ignition(at: Seed.date(7, 9))
        #expect(waived.status == .waived && waived.isSatisfied && waived.waivedStatus == .missing)
        guard case .waiver(let waiver) = waived.evidence.last else {
            Issue.record("no waiver in \(waived.evidence)")
            return
        }
        #expect(waiver.id == 1 && waiver.reason == "https://github.com/example/kiln/issues/12")
        // Up to the instant of its expiry, not after.
        #expect(try ignition(at: Seed.date(7, 10)).status == .waived)
        let expired = try ignition(at: Seed.date(7, 10, 1))
        #expect(expired.status == .missing && !expired.isSatisfied)
        #expect(expired.evidence.last?.text == "waiver 1 expired on 2026-07-10T00:00:00Z (https://github.com/example/kiln/issues/12)")
        // Before it was created, it does not exist.
        #expect(try ignition(at: Seed.date(7, 6, 7)).evidence == [.noResult(.candidate, build: Seed.late)])
    }

    @Test func aWaiverAppliesOnlyWithinItsScope() throws {
        let at = Seed.date(7, 25)
        #expect(try ignition(at: at, waivers: [Self.waiver(7, "basic.*")]).status == .waived)
        #expect(try ignition(at: at, waivers: [Self.waiver(7, "basic.ign?tion")]).status == .waived)
        #expect(try ignition(at: at, waivers: [Self.waiver(7, "basic.ssh")]).status == .missing)
        #expect(try ignition(at: at, waivers: [Self.waiver(7, "basic.*", arch: "x86_64")]).status == .waived)
        #expect(try ignition(at: at, waivers: [Self.waiver(7, "basic.*", arch: "aarch64")]).status == .missing)
        // The build range, inclusive at both ends, by version order (44.20260706.2.0).
        let inRange: [(String?, String?)] = [("44.20260706.2.0", "44.20260706.2.0"), ("44.20260701.2.0", nil), (nil, "44.20260706.2.10"),
                                              ("44.20260706.2.0", "44.20260706.dev.0")]
        for (from, through) in inRange {
            #expect(try ignition(at: at, waivers: [Self.waiver(7, "*", from: from, through: through)]).status == .waived, "\(from ?? "")-\(through ?? "")")
        }
        let outside: [(String?, String?)] = [("44.20260706.2.1", nil), (nil, "44.20260705.2.0"), ("44.20260706.10.0", nil),
                                              (nil, "44.20260706.1.9")]
        for (from, through) in outside {
            #expect(try ignition(at: at, waivers: [Self.waiver(7, "*", from: from, through: through)]).status == .missing, "\(from ?? "")-\(through ?? "")")
        }
    }

    @Test func anExpiredWaiverOutOfScopeIsNotMentionedAndTheLowestLiveIdWins() throws {
        let at = Seed.date(7, 25)
        let outOfScope = try ignition(at: at, waivers: [Self.waiver(7, "basic.ssh", expires: Seed.date(7, 1))])
        #expect(outOfScope.evidence == [.noResult(.candidate, build: Seed.late)])
        let both = try ignition(at: at, waivers: [Self.waiver(9, "basic.*"), Self.waiver(8, "*", expires: Seed.date(7, 1)), Self.waiver(7, "*")])
        guard case .waiver(let waiver) = both.evidence.last else {
            Issue.record("not waived: \(both.evidence)")
            return
        }
        #expect(waiver.id == 7 && both.evidence.count == 2)
    }

    @Test func waiversCoverRegressionsAndFlakeRatesButNotSatisfiedRequirements() throws {
        var history = Seed.history
        history.waivers = [Self.waiver(7, "basic.*")]
        let decision = try Seed.evaluator(history: history).evaluate(build: Seed.late, to: "stable", at: Seed.date(7, 25))
        let ssh = try #require(decision.requirements.first { $0.kind == .testResult && $0.subject == "basic.ssh" })
        #expect(ssh.status == .waived && ssh.waivedStatus == .regression)
        let rate = try #require(decision.requirements.first { $0.kind == .flakeRate })
        #expect(rate.status == .waived && rate.waivedStatus == .flaky)
        let sudo = try #require(decision.requirements.first { $0.subject == "basic.sudo" })
        #expect(sudo.status == .alwaysFailed && sudo.waivedStatus == nil)
        // Soak and the upgrade are not tests: no waiver covers them.
        #expect(decision.unsatisfied.map(\.kind) == [.upgradeFromCurrent])
    }

    @Test func aCustomVersionOrderDecidesBuildRanges() throws {
        var history = Seed.history
        history.waivers = [Self.waiver(7, "*", from: "b", through: "c")]
        let evaluator = GateEvaluator(policy: try Seed.policy(), history: history, knownTests: Seed.knownTests,
                                      versionPrecedes: { a, b in a.count < b.count })
        // Under that order the candidate's 15 characters are past "c".
        let decision = try evaluator.evaluate(build: Seed.late, to: "stable", at: Seed.date(7, 25))
        #expect(decision.requirements.first { $0.subject == "basic.ignition" }?.status == .missing)
    }
}
