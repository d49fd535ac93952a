public import Foundation
import GRDB
import KilnCore

/// `kiln bench results-db`: a database of many test attempts (builds of `testsPerBuild` tests,
/// one run each, mostly passing), and the time the queries of one gate decision take on it.
public struct ResultsBenchmark: Sendable {
    public var attempts: Int
    public var testsPerBuild: Int
    /// How many recent results per test the gate reads for flake rates.
    public var recentLimit: Int
    public static let arch = "x86_64"
    public static let platform = "qemu"
    public static let stream = "testing"

    public init(attempts: Int, testsPerBuild: Int = 500, recentLimit: Int = 20) {
        self.attempts = attempts
        self.testsPerBuild = max(1, testsPerBuild)
        self.recentLimit = recentLimit
    }

    public var builds: Int { max(1, attempts / testsPerBuild) }

    public static func build(_ index: Int) -> String { "43.\(20_000 + index).3.0" }

    static func test(_ index: Int) -> String { "bench.test-\(index)" }

    /// How long one gate decision's reads took, and how many rows they returned.
    public struct GateTimings: Sendable {
        public var candidate: Duration
        public var baseline: Duration
        /// `recentResults` for every test of the candidate.
        public var recent: Duration
        public var recentCalls: Int
        public var rows: Int
        public var total: Duration { candidate + baseline + recent }
    }

    /// Seeds `database` with the attempts, one transaction per build, through the insert that
    /// recording uses; returns how many it added: none when the database held that many already.
    public func seed(_ database: ResultsDatabase) throws(ResultsDatabaseError) -> Int {
        let existing = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM test_attempts") ?? 0 }
        if existing >= builds * testsPerBuild { return 0 }
        let epoch = Date(timeIntervalSince1970: 1_750_000_000)
        // Each test's machines are the same in every build: encoded once.
        let tests = (0..<testsPerBuild).map { test in
            AttemptRecord(report: Self.report(test: test), tags: test % 10 == 0 ? ["required"] : [], upgradeFrom: nil,
                          finishedAt: epoch)
        }
        for index in 0..<builds {
            let started = epoch.addingTimeInterval(Double(index) * 3600)
            try database.write { db in
                let start = RunStart(build: Self.build(index), stream: Self.stream, arch: Self.arch, platform: Self.platform,
                                     kilnVersion: "bench", outputDirectory: "_kiln/bench-\(index)", startedAt: started,
                                     host: "bench", pid: 0)
                let run = RunKey(id: try ResultsDatabase.insert(start, into: db), build: start.build, arch: start.arch,
                                 platform: start.platform)
                for (number, test) in tests.enumerated() {
                    var attempt = test
                    attempt.outcome = Self.outcome(build: index, test: number)
                    attempt.attempt = attempt.outcome == .flake ? 2 : 1
                    attempt.failureSummary = attempt.outcome.isSuccess ? nil : "bench failure"
                    attempt.finishedAt = started.addingTimeInterval(Double(number))
                    try attempt.insert(into: db, run: run)
                }
                try ResultsDatabase.finish(db, runID: run.id, result: .pass, endedAt: started.addingTimeInterval(1800),
                                           status: .finished)
            }
        }
        return builds * testsPerBuild
    }

    /// Mostly PASS; about 1% FAIL, 1% FLAKE (a rerun), 0.5% TIMEOUT and 0.5% SKIP.
    static func outcome(build: Int, test: Int) -> TestOutcome {
        switch (build &* 7919 &+ test &* 104_729) % 1000 {
        case ..<10: .fail
        case ..<20: .flake
        case ..<25: .timeout
        case ..<30: .skip
        default: .pass
        }
    }

    /// A passing report of test `test` with one machine and its boot phases.
    static func report(test: Int) -> TestReport {
        let name = Self.test(test)
        let machine = MachineReport(id: "\(name)-m0", directory: "\(name)/m0", sshReadySeconds: 14.2, bootPhases: [
            BootPhase(name: "kernel", seconds: 1.1), BootPhase(name: "initramfs", seconds: 3.4),
            BootPhase(name: "ignition", seconds: 8.9), BootPhase(name: "multi-user", seconds: 13.7),
        ])
        return TestReport(name: name, result: .pass, duration: .seconds(40), error: nil, output: "", machines: [machine])
    }

    /// Times the reads of one gate decision on the newest build: its results and the previous
    /// build's, then the recent results of each of its tests.
    public func timeGate(_ database: ResultsDatabase, at: Date = Date()) throws -> GateTimings {
        let clock = ContinuousClock()
        var candidate: [RecordedResult] = []
        var baseline: [RecordedResult] = []
        let candidateTime = try clock.measure {
            candidate = try database.results(build: Self.build(builds - 1), arch: Self.arch, at: at)
        }
        let baselineTime = try clock.measure {
            baseline = try database.results(build: Self.build(max(0, builds - 2)), arch: Self.arch, at: at)
        }
        var recentRows = 0
        let recentTime = try clock.measure {
            for result in candidate {
                recentRows += try database.recentResults(test: result.test, arch: result.arch, platform: result.platform,
                                                         limit: recentLimit, at: at).count
            }
        }
        return GateTimings(candidate: candidateTime, baseline: baselineTime, recent: recentTime, recentCalls: candidate.count,
                           rows: candidate.count + baseline.count + recentRows)
    }
}
