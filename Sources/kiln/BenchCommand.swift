import ArgumentParser
import Foundation
import KilnCore
import KilnResults

/// `kiln bench`: measurements of Kiln's parts, outside the test suite.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure parts of Kiln.",
        subcommands: [ResultsDatabaseBench.self, ResultsWriterCommand.self])
}

/// `kiln bench results-db`: seeds a results database and times the reads of one gate decision.
struct ResultsDatabaseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results-db",
        abstract: "Seed a results database with many test attempts and time the gate's reads on it.")

    @Option(help: "How many test attempts to seed.")
    var attempts = 1_000_000

    @Option(help: "Tests per build (each build is one run).")
    var testsPerBuild = 500

    @Option(help: "Where the database goes; one that already holds the attempts is reused. Default: a temporary directory, removed afterwards.")
    var workdir: String?

    func run() async throws {
        let directory = workdir ?? NSTemporaryDirectory() + "kiln-bench-\(getpid())"
        defer { if workdir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let path = ResultsDatabase.path(workDirectory: directory)
        let bench = ResultsBenchmark(attempts: attempts, testsPerBuild: testsPerBuild)
        let clock = ContinuousClock()
        var database = try ResultsDatabase(path: path)
        var rows = 0
        let seeding = try clock.measure { rows = try bench.seed(database) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let seeded = rows == 0 ? "already held \(bench.builds * bench.testsPerBuild) attempts, not seeded"
            : "seeded \(rows) attempts (\(bench.builds) builds x \(bench.testsPerBuild) tests) in \(Self.text(seeding))"
        print("\(path): \(seeded); \(size / 1_048_576) MiB")
        let opening = try clock.measure { database = try ResultsDatabase(path: path, createIfMissing: false) }
        print("reopening (migrations checked, interrupted runs marked): \(Self.text(opening))")
        for pass in 1...3 {
            let gate = try bench.timeGate(database)
            print("gate reads, pass \(pass): results(build:) candidate \(Self.text(gate.candidate)), baseline \(Self.text(gate.baseline)); "
                + "recentResults x\(gate.recentCalls) \(Self.text(gate.recent)) (\(Self.text(gate.recent / max(1, gate.recentCalls))) each); "
                + "total \(Self.text(gate.total)), \(gate.rows) rows")
        }
        try timeDecision(database, bench: bench)
        for (label, filter) in [("everything", ResultsFilter()), ("--test 'bench.test-1?'", ResultsFilter(test: Glob("bench.test-1?"))),
                                ("--build \(ResultsBenchmark.build(0))", ResultsFilter(build: ResultsBenchmark.build(0)))] {
            let results = try clock.measure { _ = try ResultsReport(database: database, filter: filter, limit: 50) }
            print("kiln results \(label): \(Self.text(results))")
        }
    }

    /// Times whole `kiln gate` decisions on the newest build, for stable: the previous build
    /// is stable's current release (the baseline), the newest entered testing 30 days before;
    /// every bench test is required, with a flake rate limit over 10 results.
    private func timeDecision(_ database: ResultsDatabase, bench: ResultsBenchmark) throws {
        let candidate = ResultsBenchmark.build(bench.builds - 1)
        let at = Date(timeIntervalSince1970: 1_750_000_000).addingTimeInterval(Double(bench.builds + 24) * 3600)
        let entered = at.addingTimeInterval(-30 * 86_400)
        if try database.entries(build: candidate, at: at).isEmpty {
            try database.recordEntry(StreamEntry(build: ResultsBenchmark.build(max(0, bench.builds - 2)), stream: "stable",
                                                 fromStream: "testing", at: entered))
            try database.recordEntry(StreamEntry(build: candidate, stream: "testing", at: entered))
        }
        let policy = try GatePolicy(parsing: """
            streams:
              stable:
                from: [testing]
                soak: 14d
                required:
                  - tests: "bench.*"
                flakes:
                  max-rate: 20%
                  window: 10
            """, source: "bench-policy.yaml")
        let known = (0..<bench.testsPerBuild).map { GateTest(name: "bench.test-\($0)") }
        let evaluator = GateEvaluator(policy: policy, history: database, knownTests: known)
        let clock = ContinuousClock()
        for pass in 1...3 {
            var decision: GateDecision?
            let time = try clock.measure { decision = try evaluator.evaluate(build: candidate, to: "stable", at: at) }
            let blocked = decision?.unsatisfied.count ?? 0
            print("gate decision, pass \(pass): \(Self.text(time)) for \(decision?.requirements.count ?? 0) requirements "
                + "(\(blocked) unsatisfied; \(decision?.promotable == true ? "promotable" : "blocked"))")
        }
    }

    static func text(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.2f ms", seconds * 1000)
    }
}

/// `kiln bench results-writer` (hidden): records made-up runs into a results database until it
/// is killed, printing each run's id as it finishes; the kill -9 test's victim.
struct ResultsWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results-writer", abstract: "Record made-up runs until killed (for tests).", shouldDisplay: false)

    @Option(help: "Kiln's work directory.")
    var workdir: String

    @Option(help: "Tests per run.")
    var testsPerRun = 20

    func run() async throws {
        let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir))
        for index in 0... {
            let runID = try database.beginRun(RunStart(build: "writer-\(index)", stream: "testing", arch: "x86_64", platform: "qemu",
                                                       kilnVersion: Kiln.version, outputDirectory: "_kiln/writer-\(index)"))
            for test in 0..<testsPerRun {
                let name = "writer.test-\(test)"
                let fails = (index + test) % 7 == 0
                try database.record(test: TestReport(name: name, result: fails ? .fail : .pass, duration: .milliseconds(5),
                                                     error: fails ? "made up" : nil, output: "", machines: []), runID: runID)
                if fails {
                    try database.record(test: TestReport(name: name, result: .pass, duration: .milliseconds(5), error: nil,
                                                         output: "", machines: [], attempts: 2), runID: runID)
                }
            }
            try database.finishRun(runID, result: .pass)
            print("run \(runID) finished")
            fflush(nil)
        }
    }
}
