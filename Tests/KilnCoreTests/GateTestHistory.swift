import Foundation
import KilnTesting

@testable import KilnCore

/// A `GateHistory` in memory: what the results database would answer, honouring `at`.
struct InMemoryGateHistory: GateHistory {
    var results: [RecordedResult] = []
    var entries: [StreamEntry] = []
    var waivers: [Waiver] = []

    func results(build: String, arch: String, at: Date) throws -> [RecordedResult] {
        results.filter { $0.build == build && $0.arch == arch && $0.finishedAt <= at }.sorted { $0.finishedAt < $1.finishedAt }
    }

    func recentResults(test: String, arch: String, platform: String, limit: Int, at: Date) throws -> [RecordedResult] {
        Array(results.filter { $0.test == test && $0.arch == arch && $0.platform == platform && $0.finishedAt <= at }
            .sorted { $0.finishedAt > $1.finishedAt }.prefix(limit))
    }

    func entries(stream: String, at: Date) throws -> [StreamEntry] {
        entries.filter { $0.stream == stream && $0.at <= at }.sorted { $0.at < $1.at }
    }

    func entries(build: String, at: Date) throws -> [StreamEntry] {
        entries.filter { $0.build == build && $0.at <= at }.sorted { $0.at < $1.at }
    }

    func waivers(at: Date) throws -> [Waiver] {
        waivers.filter { $0.createdAt <= at }
    }
}

/// The seeded history the gate's tests share, on x86_64 and qemu:
///
/// - `old` (44.20260515.2.0) was stable's release before `baseline`;
/// - `baseline` (44.20260601.2.0) entered testing-devel on 06-01, testing on 06-02 and stable on
///   06-16: it is stable's current release throughout. basic.sudo always failed on it;
/// - eight nightlies (44.202606NN.20.0) passed basic.network, once each, in June;
/// - `promotable` (44.20260618.2.0) entered testing on 06-19; gated for stable at 07-05T12:00 it
///   has soaked 16 days, basic.ssh failed then passed in a later run, basic.sudo fails as on
///   the baseline (ALWAYSFAIL), basic.network flaked (1 flake in 10), basic.tls warned, and
///   its upgrade from `baseline` passed;
/// - `late` (44.20260706.2.0) entered testing on 07-07: basic.ssh FAILs (a regression),
///   basic.ignition has no result (waiver 1 covered it until 07-10), basic.sudo fails
///   (ALWAYSFAIL), basic.network flaked in both its runs (3 flakes in 10: over 20%), basic.tls
///   was skipped, and its upgrade test updated from `old`, not from the current release;
/// - `devel` (44.20260710.20.0) entered only testing-devel.
enum GateSeed {
    static let old = "44.20260515.2.0"
    static let baseline = "44.20260601.2.0"
    static let promotable = "44.20260618.2.0"
    static let late = "44.20260706.2.0"
    static let devel = "44.20260710.20.0"

    /// 2026-MM-DD at `hour`:00 UTC.
    static func date(_ month: Int, _ day: Int, _ hour: Int = 0) -> Date {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour) = (2026, month, day, hour)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!  // swiftlint:disable:this force_unwrapping
        return calendar.date(from: components)!  // swiftlint:disable:this force_unwrapping
    }

    static let knownTests = [
        GateTest(name: "basic.ssh"), GateTest(name: "basic.ignition"), GateTest(name: "basic.sudo"),
        GateTest(name: "basic.network"), GateTest(name: "basic.tls"),
        GateTest(name: "upgrade.from-previous", tags: ["upgrade"]), GateTest(name: "misc.optional"),
    ]

    static func policy() throws -> GatePolicy {
        try GatePolicy(parsing: try Fixtures.text("gate/policy.yaml"), source: "policy.yaml")
    }

    static func result(_ run: Int64, _ build: String, _ test: String, _ outcome: TestOutcome, _ at: Date,
                       attempts: Int? = nil, summary: String? = nil, upgradeFrom: String? = nil) -> RecordedResult {
        RecordedResult(runID: run, build: build, arch: "x86_64", platform: "qemu", test: test,
                       tags: upgradeFrom == nil ? [] : ["upgrade"], outcome: outcome,
                       attempts: attempts ?? (outcome == .flake ? 2 : 1), finishedAt: at, failureSummary: summary,
                       upgradeFrom: upgradeFrom)
    }

    static let sudoFailure = "sudo: a password is required\nexit status 1"

    static var history: InMemoryGateHistory {
        var history = InMemoryGateHistory()
        history.entries = [
            StreamEntry(build: old, stream: "stable", fromStream: "testing", at: date(5, 29)),
            StreamEntry(build: baseline, stream: "testing-devel", at: date(6, 1)),
            StreamEntry(build: baseline, stream: "testing", fromStream: "testing-devel", at: date(6, 2)),
            StreamEntry(build: baseline, stream: "stable", fromStream: "testing", at: date(6, 16)),
            StreamEntry(build: promotable, stream: "testing-devel", at: date(6, 18)),
            StreamEntry(build: promotable, stream: "testing", fromStream: "testing-devel", at: date(6, 19)),
            StreamEntry(build: late, stream: "testing-devel", at: date(7, 6)),
            StreamEntry(build: late, stream: "testing", fromStream: "testing-devel", at: date(7, 7)),
            StreamEntry(build: devel, stream: "testing-devel", at: date(7, 10)),
        ]
        var results = [
            result(5, old, "basic.network", .flake, date(5, 15, 3)),
            result(10, baseline, "basic.ssh", .pass, date(6, 1, 3)),
            result(10, baseline, "basic.ignition", .pass, date(6, 1, 3)),
            result(10, baseline, "basic.sudo", .fail, date(6, 1, 3), summary: sudoFailure),
            result(10, baseline, "basic.network", .pass, date(6, 1, 3)),
            result(10, baseline, "basic.tls", .pass, date(6, 1, 3)),
            result(11, baseline, "upgrade.from-previous", .pass, date(6, 1, 4), upgradeFrom: old),
        ]
        for night in 1...8 {
            results.append(result(Int64(11 + night), "44.202606\(10 + night).20.0", "basic.network", .pass, date(6, 10 + night, 2)))
        }
        results += [
            result(20, promotable, "basic.ssh", .fail, date(6, 18, 5), summary: "timed out waiting for ssh"),
            result(21, promotable, "basic.ssh", .pass, date(6, 19, 5)),
            result(21, promotable, "basic.ignition", .pass, date(6, 19, 5)),
            result(21, promotable, "basic.sudo", .fail, date(6, 19, 5), summary: sudoFailure),
            result(21, promotable, "basic.network", .flake, date(6, 19, 5)),
            result(21, promotable, "basic.tls", .warn, date(6, 19, 5), summary: "console: known firmware warning (denylisted)"),
            result(22, promotable, "upgrade.from-previous", .pass, date(6, 19, 6), upgradeFrom: baseline),
            result(30, late, "basic.ssh", .fail, date(7, 6, 5), summary: "ssh: handshake failed: EOF\nafter 3 attempts"),
            result(30, late, "basic.sudo", .timeout, date(7, 6, 5)),
            result(30, late, "basic.network", .flake, date(7, 6, 5)),
            result(30, late, "basic.tls", .skip, date(7, 6, 5)),
            result(31, late, "basic.network", .flake, date(7, 7, 5)),
            result(32, late, "upgrade.from-previous", .pass, date(7, 7, 6), upgradeFrom: old),
            result(40, devel, "basic.ssh", .pass, date(7, 10, 5)),
        ]
        history.results = results
        history.waivers = [
            Waiver(id: 1, testPattern: "basic.ignition", fromBuild: "44.20260701.2.0", throughBuild: "44.20260731.2.0",
                   arch: "x86_64", reason: "https://github.com/example/kiln/issues/12", waivedBy: "alice",
                   createdAt: date(7, 6, 8), expiresAt: date(7, 10)),
            Waiver(id: 2, testPattern: "basic.*", arch: "aarch64", reason: "https://github.com/example/kiln/issues/13",
                   waivedBy: "bob", createdAt: date(7, 1), expiresAt: date(12, 31)),
            Waiver(id: 3, testPattern: "basic.ss[hl]", throughBuild: "44.20260630.2.0",
                   reason: "https://github.com/example/kiln/issues/14", waivedBy: "carol",
                   createdAt: date(7, 1), expiresAt: date(12, 31)),
        ]
        return history
    }

    /// The sample policy's evaluator over the seeded history.
    static func evaluator(policy: GatePolicy? = nil, history: InMemoryGateHistory? = nil) throws -> GateEvaluator {
        GateEvaluator(policy: try policy ?? self.policy(), history: history ?? self.history, knownTests: knownTests)
    }
}
