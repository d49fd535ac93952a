import Foundation
import GRDB
import KilnCore

/// One test attempt as the database stores it, and how storing it moves the run's verdict for
/// that test on.
struct AttemptRecord: Sendable {
    /// At most this many lines, and characters, of a failure are kept as its summary.
    static let summaryLines = 5
    static let summaryCharacters = 1000

    var test: String
    /// As stored: JSON.
    var tagsJSON: String
    var outcome: TestOutcome
    /// The attempt's number as the report gives it (2 for a rerun).
    var attempt: Int
    var durationSeconds: Double
    var finishedAt: Date
    /// The machines' reports (ids, artifact directories, boot phases), as stored: JSON.
    var machinesJSON: String
    var failureSummary: String?
    var tracker: String?
    var upgradeFrom: String?

    init(report: TestReport, tags: [String], upgradeFrom: String?, finishedAt: Date) {
        test = report.name
        tagsJSON = StoredJSON.strings(tags)
        outcome = report.result
        attempt = max(1, report.attempts)
        durationSeconds = report.durationSeconds
        self.finishedAt = finishedAt
        machinesJSON = StoredJSON.machines(report.machines)
        failureSummary = report.error.map(Self.summary)
        tracker = report.tracker
        self.upgradeFrom = upgradeFrom
    }

    /// The first lines of a failure.
    static func summary(_ error: String) -> String {
        let lines = error.split(separator: "\n", omittingEmptySubsequences: false).prefix(summaryLines).joined(separator: "\n")
        return lines.count > summaryCharacters ? String(lines.prefix(summaryCharacters - 3)) + "..." : lines
    }

    /// The run's verdict for a test after an attempt ended with `outcome`, given the verdict
    /// before it: as the runner combines a rerun, a pass after a failure is FLAKE.
    static func verdict(after previous: TestOutcome?, attempt outcome: TestOutcome) -> TestOutcome {
        guard let previous, outcome == .pass, [.fail, .timeout, .flake].contains(previous) else { return outcome }
        return .flake
    }

    /// Stores the attempt in `run`: the previous verdict row of the test in that run is
    /// superseded as of this attempt's end, and this row carries the new verdict. Its number is
    /// the report's, or one more than the last recorded, whichever is larger. A FLAKE row
    /// without a failure of its own keeps the failure it recovered from.
    func insert(into db: Database, run: RunKey) throws {
        let previous = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, attempt, verdict, failure_summary FROM test_attempts
            WHERE run_id = ? AND test = ? AND superseded_at IS NULL
            """), arguments: [run.id, test])
        var previousVerdict: TestOutcome?
        var previousSummary: String?
        var number = attempt
        if let previous {
            previousVerdict = try StoredOutcome.decode(previous["verdict"])
            previousSummary = previous["failure_summary"]
            number = max(number, (previous["attempt"] as Int) + 1)
            try db.cachedStatement(sql: "UPDATE test_attempts SET superseded_at = ? WHERE id = ?")
                .execute(arguments: [finishedAt.unixMilliseconds, previous["id"] as Int64])
        }
        let verdict = Self.verdict(after: previousVerdict, attempt: outcome)
        let summary = failureSummary ?? (verdict == .flake ? previousSummary : nil)
        let finished = finishedAt.unixMilliseconds
        try db.cachedStatement(sql: """
            INSERT INTO test_attempts (run_id, build, arch, platform, test, tags, attempt, outcome, verdict,
                duration_seconds, started_at, finished_at, machines, failure_summary, tracker, upgrade_from)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                run.id, run.build, run.arch, run.platform, test, tagsJSON, number, outcome.rawValue,
                verdict.rawValue, durationSeconds, finished - Int64(durationSeconds * 1000), finished,
                machinesJSON, summary, tracker, upgradeFrom,
            ])
    }
}

/// What an attempt row copies from its run.
struct RunKey: Sendable {
    var id: Int64
    var build: String
    var arch: String
    var platform: String

    /// The run `id`, or ``ResultsDatabaseError/unknownRun(_:)``.
    static func fetch(_ db: Database, id: Int64) throws -> RunKey {
        guard let row = try Row.fetchOne(db, sql: "SELECT build, arch, platform FROM runs WHERE id = ?", arguments: [id]) else {
            throw ResultsDatabaseError.unknownRun(id)
        }
        return RunKey(id: id, build: row["build"], arch: row["arch"], platform: row["platform"])
    }
}
