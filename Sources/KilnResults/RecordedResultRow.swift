import Foundation
import GRDB
import KilnCore

/// Reading verdicts out of `test_attempts` rows.
extension RecordedResult {
    /// The columns ``init(row:)`` reads, for a SELECT over `test_attempts`.
    static let columns = """
        test_attempts.run_id, test_attempts.build, test_attempts.arch, test_attempts.platform, test_attempts.test,
        test_attempts.tags, test_attempts.verdict, test_attempts.attempt, test_attempts.finished_at,
        test_attempts.failure_summary, test_attempts.upgrade_from
        """

    /// The verdict rows current at an instant (bound twice, as Unix milliseconds): ended by
    /// then, and not yet superseded by a later attempt.
    static let currentAt = """
        test_attempts.finished_at <= ? AND (test_attempts.superseded_at IS NULL OR test_attempts.superseded_at > ?)
        """

    init(row: Row) throws(ResultsDatabaseError) {
        self.init(runID: row["run_id"], build: row["build"], arch: row["arch"], platform: row["platform"], test: row["test"],
                  tags: try StoredJSON.decodeStrings(row["tags"]), outcome: try StoredOutcome.decode(row["verdict"]),
                  attempts: row["attempt"], finishedAt: Date(unixMilliseconds: row["finished_at"]),
                  failureSummary: row["failure_summary"], upgradeFrom: row["upgrade_from"])
    }
}
