import Foundation
public import KilnCore

/// What `kiln results` prints: the newest verdicts that match, and outcome counts per test and
/// per build over all that match. As JSON (``json``) or as table rows (``historyRows`` ...),
/// each with its header first.
public struct ResultsReport: Sendable, Equatable {
    public var history: [ResultsHistoryEntry]
    public var tests: [TestRates]
    public var builds: [BuildRates]

    public init(history: [ResultsHistoryEntry], tests: [TestRates], builds: [BuildRates]) {
        self.history = history
        self.tests = tests
        self.builds = builds
    }

    /// Reads the report of `filter` from `database`, with at most `limit` history rows.
    public init(database: ResultsDatabase, filter: ResultsFilter, limit: Int) throws(ResultsDatabaseError) {
        self.init(history: try database.history(filter, limit: limit), tests: try database.testRates(filter),
                  builds: try database.buildRates(filter))
    }

    /// All verdicts that matched (the history shows the newest of them).
    public var total: Int { tests.reduce(0) { $0 + $1.counts.runs } }

    public var json: JSONValue {
        .object([
            JSONMember(key: "total", value: .number(String(total))),
            JSONMember(key: "results", value: .array(history.map(Self.json))),
            JSONMember(key: "tests", value: .array(tests.map { rates in
                .object([JSONMember(key: "test", value: .string(rates.test))] + Self.json(rates.counts))
            })),
            JSONMember(key: "builds", value: .array(builds.map { rates in
                .object([
                    JSONMember(key: "build", value: .string(rates.build)),
                    JSONMember(key: "arch", value: .string(rates.arch)),
                    JSONMember(key: "lastFinishedAt", value: .string(Self.timestamp(rates.lastFinishedAt))),
                ] + Self.json(rates.counts))
            })),
        ])
    }

    public var historyRows: [[String]] {
        [["FINISHED", "RUN", "BUILD", "ARCH", "PLATFORM", "TEST", "RESULT", "ATTEMPTS", "DURATION", "FAILURE"]]
            + history.map { entry in
                let result = entry.result
                let run = entry.runStatus == .finished ? "\(result.runID)" : "\(result.runID) (\(entry.runStatus.rawValue))"
                let failure = result.failureSummary?.split(separator: "\n").first.map { String($0.prefix(80)) } ?? ""
                return [Self.timestamp(result.finishedAt), run, result.build, result.arch, result.platform, result.test,
                        result.outcome.rawValue, "\(result.attempts)", String(format: "%.1fs", entry.durationSeconds), failure]
            }
    }

    public var testRows: [[String]] {
        [["TEST"] + Self.countsHeader] + tests.map { [$0.test] + Self.cells($0.counts) }
    }

    public var buildRows: [[String]] {
        [["BUILD", "ARCH"] + Self.countsHeader + ["LAST"]]
            + builds.map { [$0.build, $0.arch] + Self.cells($0.counts) + [Self.timestamp($0.lastFinishedAt)] }
    }

    private static let countsHeader = ["RUNS", "PASS", "FAIL", "TIMEOUT", "FLAKE", "WARN", "SKIP", "PASS%", "FAIL%", "FLAKE%"]

    private static func cells(_ counts: OutcomeCounts) -> [String] {
        [counts.runs, counts.pass, counts.fail, counts.timeout, counts.flake, counts.warn, counts.skip].map { "\($0)" }
            + [counts.passRate, counts.failRate, counts.flakeRate].map { rate in rate.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    }

    private static func json(_ entry: ResultsHistoryEntry) -> JSONValue {
        let result = entry.result
        return .object([
            JSONMember(key: "run", value: .number(String(result.runID))),
            JSONMember(key: "runStatus", value: .string(entry.runStatus.rawValue)),
            JSONMember(key: "build", value: .string(result.build)),
            JSONMember(key: "arch", value: .string(result.arch)),
            JSONMember(key: "platform", value: .string(result.platform)),
            JSONMember(key: "test", value: .string(result.test)),
            JSONMember(key: "tags", value: .array(result.tags.map(JSONValue.string))),
            JSONMember(key: "result", value: .string(result.outcome.rawValue)),
            JSONMember(key: "attempts", value: .number(String(result.attempts))),
            JSONMember(key: "finishedAt", value: .string(timestamp(result.finishedAt))),
            JSONMember(key: "durationSeconds", value: .number(String(entry.durationSeconds))),
            JSONMember(key: "failureSummary", value: result.failureSummary.map(JSONValue.string) ?? .null),
            JSONMember(key: "upgradeFrom", value: result.upgradeFrom.map(JSONValue.string) ?? .null),
        ])
    }

    private static func json(_ counts: OutcomeCounts) -> [JSONMember] {
        [("runs", counts.runs)].map { JSONMember(key: $0.0, value: .number(String($0.1))) }
            + TestOutcome.allCases.map { JSONMember(key: $0.rawValue.lowercased(), value: .number(String(counts[$0]))) }
            + [("passRate", counts.passRate), ("failRate", counts.failRate), ("flakeRate", counts.flakeRate)].map { key, rate in
                JSONMember(key: key, value: rate.map { .number(String(format: "%.4f", $0)) } ?? .null)
            }
    }

    /// An instant as ISO 8601 in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
