import GRDB
public import KilnCore

/// How many verdicts of each outcome a test or build got, over the runs that recorded it.
public struct OutcomeCounts: Sendable, Equatable {
    /// Verdicts in all: one per run.
    public var runs: Int
    public var pass: Int
    public var fail: Int
    public var timeout: Int
    public var flake: Int
    public var warn: Int
    public var skip: Int

    public init(runs: Int = 0, pass: Int = 0, fail: Int = 0, timeout: Int = 0, flake: Int = 0, warn: Int = 0, skip: Int = 0) {
        self.runs = runs
        self.pass = pass
        self.fail = fail
        self.timeout = timeout
        self.flake = flake
        self.warn = warn
        self.skip = skip
    }

    /// The verdicts of tests that ran (not skipped).
    public var ran: Int { runs - skip }

    /// The share of runs that passed at once (a FLAKE is not a pass here); nil when none ran.
    public var passRate: Double? { rate(pass) }

    /// The share of runs that failed (FAIL or TIMEOUT, every attempt); nil when none ran.
    public var failRate: Double? { rate(fail + timeout) }

    /// The share of runs that passed only when run again; nil when none ran.
    public var flakeRate: Double? { rate(flake) }

    /// The count of `outcome`.
    public subscript(outcome: TestOutcome) -> Int {
        switch outcome {
        case .pass: pass
        case .fail: fail
        case .timeout: timeout
        case .flake: flake
        case .warn: warn
        case .skip: skip
        }
    }

    private func rate(_ count: Int) -> Double? {
        ran > 0 ? Double(count) / Double(ran) : nil
    }

    /// The aggregate columns ``init(row:)`` reads, over current verdict rows.
    static let columns = "COUNT(*) AS runs, "
        + TestOutcome.allCases.map { "SUM(test_attempts.verdict = '\($0.rawValue)') AS \($0.rawValue.lowercased())" }
        .joined(separator: ", ")

    init(row: Row) {
        self.init(runs: row["runs"], pass: row["pass"], fail: row["fail"], timeout: row["timeout"], flake: row["flake"],
                  warn: row["warn"], skip: row["skip"])
    }
}
