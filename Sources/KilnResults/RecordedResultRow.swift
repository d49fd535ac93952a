import Foundation
import GRDB
import KilnCore

/// Reading verdicts out of `test_attempts` rows.
extension RecordedResult {
    /// The columns ``init(row:)`` reads, in its order, for a SELECT over `test_attempts`.
    static let columns = ["run_id", "build", "arch", "platform", "test", "tags", "verdict", "attempt", "finished_at",
                          "failure_summary", "upgrade_from"].map { "test_attempts.\($0)" }.joined(separator: ", ")

    /// The verdict rows current at an instant (bound twice, as Unix milliseconds): ended by
    /// then, and not yet superseded by a later attempt.
    static let currentAt = """
        test_attempts.finished_at <= ? AND (test_attempts.superseded_at IS NULL OR test_attempts.superseded_at > ?)
        """

    /// Reads ``columns`` by position: GRDB looks names up case-insensitively on every access,
    /// which the gate's thousands of rows would pay for.
    init(row: Row) throws(ResultsDatabaseError) {
        self.init(runID: row[0], build: row[1], arch: row[2], platform: row[3], test: row[4],
                  tags: try StoredJSON.decodeStrings(row[5]), outcome: try StoredOutcome.decode(row[6]), attempts: row[7],
                  finishedAt: Date(unixMilliseconds: row[8]), failureSummary: row[9], upgradeFrom: row[10])
    }
}
