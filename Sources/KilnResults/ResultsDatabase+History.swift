import Foundation
import GRDB
import KilnCore

/// What `kiln results` shows: current verdicts (a rerun's, not the attempt it replaced), with
/// those of interrupted runs.
extension ResultsDatabase {
    /// The newest `limit` verdicts that match `filter`, newest first.
    public func history(_ filter: ResultsFilter, limit: Int) throws(ResultsDatabaseError) -> [ResultsHistoryEntry] {
        try read { db in
            let (condition, arguments) = try filter.condition(db)
            return try Row.fetchAll(db, sql: """
                SELECT \(RecordedResult.columns), test_attempts.duration_seconds, runs.status
                FROM test_attempts JOIN runs ON runs.id = test_attempts.run_id
                WHERE \(condition) ORDER BY test_attempts.finished_at DESC, test_attempts.id DESC LIMIT ?
                """, arguments: arguments + [max(0, limit)]).map { row throws(ResultsDatabaseError) in
                guard let status = RunStatus(rawValue: row["status"]) else {
                    throw .corrupt("a run status Kiln does not know: \(row["status"] as String? ?? "NULL")")
                }
                return ResultsHistoryEntry(result: try RecordedResult(row: row), durationSeconds: row["duration_seconds"],
                                           runStatus: status)
            }
        }
    }

    /// Outcome counts per test, by name.
    public func testRates(_ filter: ResultsFilter) throws(ResultsDatabaseError) -> [TestRates] {
        try counts(filter, groupedBy: "test_attempts.test", orderedBy: "test_attempts.test").map { row, counts in
            TestRates(test: row["test"], counts: counts)
        }
    }

    /// Outcome counts per build and architecture, the build tested last first.
    public func buildRates(_ filter: ResultsFilter) throws(ResultsDatabaseError) -> [BuildRates] {
        try counts(filter, groupedBy: "test_attempts.build, test_attempts.arch", orderedBy: "last DESC").map { row, counts in
            BuildRates(build: row["build"], arch: row["arch"], counts: counts, lastFinishedAt: Date(unixMilliseconds: row["last"]))
        }
    }

    private func counts(_ filter: ResultsFilter, groupedBy groups: String,
                        orderedBy order: String) throws(ResultsDatabaseError) -> [(Row, OutcomeCounts)] {
        try read { db in
            let (condition, arguments) = try filter.condition(db)
            return try Row.fetchAll(db, sql: """
                SELECT \(groups), \(OutcomeCounts.columns), MAX(test_attempts.finished_at) AS last
                FROM test_attempts WHERE \(condition) GROUP BY \(groups) ORDER BY \(order)
                """, arguments: arguments).map { ($0, OutcomeCounts(row: $0)) }
        }
    }
}
