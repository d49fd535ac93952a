import Foundation
import Testing

@testable import KilnCore

/// The gate's decisions over the seeded history (`GateSeed`).
struct GateEvaluatorTests {
    typealias Seed = GateSeed

    func decide(_ build: String, to stream: String = "stable", at: Date, policy: GatePolicy? = nil,
                history: InMemoryGateHistory? = nil) throws -> GateDecision {
        try Seed.evaluator(policy: policy, history: history).evaluate(build: build, to: stream, at: at)
    }

    func test(_ decision: GateDecision, _ name: String, kind: GateRequirement.Kind = .testResult) throws -> GateRequirement {
        try #require(decision.requirements.first { $0.kind == kind && $0.subject == name })
    }

    func statuses(_ decision: GateDecision) -> [String] {
        decision.requirements.map { "\($0.kind.rawValue) \($0.subject): \($0.status.rawValue)\($0.isSatisfied ? "" : " BLOCKS")" }
    }

    @Test func aBuildThatMeetsEveryRequirementIsPromotable() throws {
        let decision = try decide(Seed.promotable, at: Seed.date(7, 5, 12))
        #expect(decision.promotable, "\(statuses(decision))")
        #expect(decision.sourceStream == "testing" && decision.baseline == Seed.baseline)
        #expect(statuses(decision) == [
            "entry-from-stream testing: passed", "soak testing: passed", "upgrade-from-current \(Seed.baseline): passed",
            "test-result basic.ignition: passed", "test-result basic.network: flaked-passed-on-rerun",
            "test-result basic.ssh: passed", "test-result basic.sudo: always-failed", "test-result basic.tls: passed-with-warning",
            "test-result upgrade.from-previous: passed", "flake-rate basic.network: passed",
        ])
    }

    @Test func theNewestResultOfATestCountsAcrossRuns() throws {
        let ssh = try test(try decide(Seed.promotable, at: Seed.date(7, 5, 12)), "basic.ssh")
        guard case .result(.candidate, let result) = ssh.evidence.first else {
            Issue.record("no candidate result: \(ssh.evidence)")
            return
        }
        #expect(result.runID == 21 && result.outcome == .pass)
        // Before run 21, run 20's failure was the newest, and the baseline had passed: a regression.
        let earlier = try test(try decide(Seed.promotable, at: Seed.date(6, 18, 12)), "basic.ssh")
        #expect(earlier.status == .regression && !earlier.isSatisfied)
    }

    @Test func aRequiredTestWithoutAResultIsMissingAndBlocks() throws {
        let decision = try decide(Seed.late, at: Seed.date(7, 25))
        let ignition = try test(decision, "basic.ignition")
        #expect(ignition.status == .missing && !ignition.isSatisfied)
        #expect(ignition.evidence.first == .noResult(.candidate, build: Seed.late))
        #expect(ignition.requiredBy == [#"tests "basic.*""#])
        #expect(!decision.promotable)
    }

    @Test func aFailureThatPassedOnTheCurrentReleaseIsARegressionAndOneThatFailedThereIsAlwaysFail() throws {
        let decision = try decide(Seed.late, at: Seed.date(7, 25))
        let ssh = try test(decision, "basic.ssh")
        #expect(ssh.status == .regression && !ssh.isSatisfied)
        #expect(ssh.evidence.map(\.text) == [
            #"FAIL in run 30 at 2026-07-06T05:00:00Z: "ssh: handshake failed: EOF""#,
            "baseline \(Seed.baseline): PASS in run 10 at 2026-06-01T03:00:00Z",
        ])
        let sudo = try test(decision, "basic.sudo")
        #expect(sudo.status == .alwaysFailed && sudo.isSatisfied)
        var strict = try Seed.policy()
        strict.streams[1].alwaysFailBlocks = true
        let blocking = try test(try decide(Seed.late, at: Seed.date(7, 25), policy: strict), "basic.sudo")
        #expect(blocking.status == .alwaysFailed && !blocking.isSatisfied)
    }

    @Test func aFailureWithNothingToCompareWithIsPlainlyFailed() throws {
        // next has no release yet: no baseline.
        let policy = try GatePolicy(parsing: """
            streams:
              next:
                from: [testing]
                required: [{tests: "basic.s*"}]
                upgrade-from-current: true
            """, source: "p.yaml")
        let decision = try decide(Seed.late, to: "next", at: Seed.date(7, 25), policy: policy)
        let ssh = try test(decision, "basic.ssh")
        #expect(ssh.status == .failed && ssh.evidence.last == .noBaseline(stream: "next"))
        #expect(try test(decision, "none", kind: .upgradeFromCurrent).status == .notApplicable)
        #expect(decision.baseline == nil)
        // The baseline has no result of the test: failed as well.
        var history = Seed.history
        history.results.removeAll { $0.build == Seed.baseline && $0.test == "basic.ssh" }
        let noResult = try test(try decide(Seed.late, at: Seed.date(7, 25), history: history), "basic.ssh")
        #expect(noResult.status == .failed && noResult.evidence.last == .noResult(.baseline, build: Seed.baseline))
    }

    @Test func aFlakeThatPassesOnRerunCountsAsAPassUnlessThePolicySaysOtherwise() throws {
        let network = try test(try decide(Seed.promotable, at: Seed.date(7, 5, 12)), "basic.network")
        #expect(network.status == .flakedPassedOnRerun && network.isSatisfied)
        var strict = try Seed.policy()
        strict.streams[1].flakes.rerunPassCounts = false
        let decision = try decide(Seed.promotable, at: Seed.date(7, 5, 12), policy: strict)
        // A flake that does not count is a failure, compared with the baseline's pass.
        #expect(try test(decision, "basic.network").status == .regression)
        #expect(!decision.promotable)
    }

    @Test func aTestFlakingMoreThanTheMaximumRateBlocks() throws {
        let decision = try decide(Seed.late, at: Seed.date(7, 25))
        #expect(try test(decision, "basic.network").status == .flakedPassedOnRerun)
        let rate = try test(decision, "basic.network", kind: .flakeRate)
        #expect(rate.status == .flaky && !rate.isSatisfied)
        #expect(rate.evidence == [.flakeRate(flakes: 3, runs: 10, window: 10, maxRate: 0.2, flakeRunIDs: [31, 30, 21])])
        // Within the rate, the requirement is met; tests that never flaked have none.
        let fine = try decide(Seed.promotable, at: Seed.date(7, 5, 12))
        #expect(try test(fine, "basic.network", kind: .flakeRate).evidence
            == [.flakeRate(flakes: 1, runs: 10, window: 10, maxRate: 0.2, flakeRunIDs: [21])])
        #expect(fine.requirements.filter { $0.kind == .flakeRate }.count == 1)
    }

    @Test func soakTimeIsMeasuredAtTheGivenInstant() throws {
        let young = try test(try decide(Seed.late, at: Seed.date(7, 15)), "testing", kind: .soak)
        #expect(young.status == .tooYoung && !young.isSatisfied)
        #expect(young.evidence.last == .soak(elapsed: GateDuration(seconds: 8 * 86_400), required: GateDuration(seconds: 14 * 86_400),
                                             soakedAt: Seed.date(7, 21)))
        #expect(try test(try decide(Seed.late, at: Seed.date(7, 20, 23)), "testing", kind: .soak).status == .tooYoung)
        #expect(try test(try decide(Seed.late, at: Seed.date(7, 21)), "testing", kind: .soak).status == .passed)
    }

    @Test func aBuildMustComeFromAnAllowedStream() throws {
        let decision = try decide(Seed.devel, at: Seed.date(7, 25))
        let entry = try test(decision, "testing-devel", kind: .entryFromStream)
        #expect(entry.status == .notAllowedFromStream && !entry.isSatisfied)
        #expect(entry.evidence.last == .allowedFrom(["testing"]))
        // testing takes builds from testing-devel, and builds that entered no stream.
        #expect(try test(try decide(Seed.devel, to: "testing", at: Seed.date(7, 25)), "testing-devel", kind: .entryFromStream).isSatisfied)
        let fresh = try decide("44.20260720.dev.0", to: "testing", at: Seed.date(7, 25))
        #expect(try test(fresh, "none", kind: .entryFromStream).status == .passed)
        let soak = try test(try decide("44.20260720.dev.0", at: Seed.date(7, 25)), "none", kind: .soak)
        #expect(soak.status == .missing)
    }

    @Test func theUpgradeMustComeFromTheCurrentRelease() throws {
        let upgrade = try test(try decide(Seed.late, at: Seed.date(7, 25)), Seed.baseline, kind: .upgradeFromCurrent)
        #expect(upgrade.status == .missing && !upgrade.isSatisfied)
        #expect(upgrade.evidence.map(\.text) == [
            "no result for \(Seed.late)",
            "upgrade.from-previous upgraded from \(Seed.old), not the current release: PASS in run 32 at 2026-07-07T06:00:00Z",
        ])
    }

    @Test func aRollbackFromTheCurrentReleaseIsNotTheCandidatesUpgrade() throws {
        // A broken candidate applied to the current release passes its rollback test when the
        // machine comes back on the old build; that must not count as the candidate's upgrade,
        // even with a result recorded before rollbacks stopped carrying the `upgrade` tag.
        var history = Seed.history
        var rollback = Seed.result(33, Seed.late, "upgrade.rollback.from-\(Seed.baseline)", .pass, Seed.date(7, 7, 7),
                                   upgradeFrom: Seed.baseline)
        rollback.tags = [GatePolicy.upgradeTag, GatePolicy.rollbackTag]
        history.results.append(rollback)
        let upgrade = try test(try decide(Seed.late, at: Seed.date(7, 25), history: history), Seed.baseline, kind: .upgradeFromCurrent)
        #expect(upgrade.status == .missing && !upgrade.isSatisfied, "\(upgrade.evidence.map(\.text))")
    }

    @Test func aSkippedRequiredTestBlocksAndAWarningPasses() throws {
        #expect(try test(try decide(Seed.late, at: Seed.date(7, 25)), "basic.tls").status == .skipped)
        let warned = try test(try decide(Seed.promotable, at: Seed.date(7, 5, 12)), "basic.tls")
        #expect(warned.status == .passedWithWarning && warned.isSatisfied)
    }

    @Test func aRuleThatNamesNoTestIsMissing() throws {
        let policy = try GatePolicy(parsing: "streams:\n  testing:\n    from: [testing-devel]\n    required: [{tag: reprovision}]\n",
                                    source: "p.yaml")
        let decision = try decide(Seed.devel, to: "testing", at: Seed.date(7, 25), policy: policy)
        #expect(try test(decision, "tag reprovision").status == .missing)
        #expect(!decision.promotable)
    }

    @Test func resultsAreRequiredOnEveryArchAndPlatformARuleNames() throws {
        let policy = try GatePolicy(parsing: """
            arches: [x86_64, aarch64]
            platforms: [qemu, libvirt]
            streams:
              testing:
                from: [testing-devel]
                required:
                  - tests: basic.ssh
                    platform: [qemu]
                  - tag: upgrade
                    arch: [aarch64]
            """, source: "p.yaml")
        let decision = try decide(Seed.devel, to: "testing", at: Seed.date(7, 25), policy: policy)
        #expect(decision.requirements.filter { $0.kind == .testResult }.map { "\($0.subject) \($0.arch ?? "") \($0.platform ?? "") \($0.status)" } == [
            "basic.ssh x86_64 qemu passed", "basic.ssh aarch64 qemu waived",  // seeded waiver 2: basic.* on aarch64
            "upgrade.from-previous aarch64 qemu missing", "upgrade.from-previous aarch64 libvirt missing",
        ])
        // Asked for one arch only.
        let x86 = try Seed.evaluator(policy: policy).evaluate(build: Seed.devel, to: "testing", arches: ["x86_64"], at: Seed.date(7, 25))
        #expect(x86.promotable && x86.arches == ["x86_64"])
    }

    @Test func historyAfterTheInstantIsIgnored() throws {
        // At 07-06T06:00 late had run once and was in testing-devel only.
        let decision = try decide(Seed.late, to: "testing", at: Seed.date(7, 6, 6))
        #expect(decision.sourceStream == "testing-devel")
        #expect(try test(decision, "basic.network").status == .flakedPassedOnRerun)
    }

    @Test func anUngatedStreamIsAnError() throws {
        #expect(throws: GateEvaluationError(message: #"the gate policy has no stream "next" (it gates: testing, stable)"#)) {
            try decide(Seed.late, to: "next", at: Seed.date(7, 25))
        }
    }
}
