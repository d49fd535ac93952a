public import Foundation
import GRDB
public import KilnCore

/// The gate's view of the database. Everything recorded after `at` is ignored: a verdict
/// counts from the end of the attempt that gave it, until a later attempt in the same run
/// replaces it (a rerun's FLAKE replaces the first attempt's FAIL from the rerun's end on).
/// Verdicts of interrupted runs count like any other.
extension ResultsDatabase: GateHistory {
    public func results(build: String, arch: String, at: Date) throws -> [RecordedResult] {
        let at = at.unixMilliseconds
        return try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(RecordedResult.columns) FROM test_attempts
                WHERE build = ? AND arch = ? AND \(RecordedResult.currentAt)
                ORDER BY finished_at, id
                """), arguments: [build, arch, at, at]).map(RecordedResult.init(row:))
        }
    }

    public func recentResults(test: String, arch: String, platform: String, limit: Int, at: Date) throws -> [RecordedResult] {
        let at = at.unixMilliseconds
        return try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(RecordedResult.columns) FROM test_attempts
                WHERE test = ? AND arch = ? AND platform = ? AND \(RecordedResult.currentAt)
                ORDER BY finished_at DESC, id DESC LIMIT ?
                """), arguments: [test, arch, platform, at, at, max(0, limit)]).map(RecordedResult.init(row:))
        }
    }

    public func entries(stream: String, at: Date) throws -> [StreamEntry] {
        try entries(where: "stream = ?", stream, at: at)
    }

    public func entries(build: String, at: Date) throws -> [StreamEntry] {
        try entries(where: "build = ?", build, at: at)
    }

    public func waivers(at: Date) throws -> [Waiver] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM waivers WHERE created_at <= ? ORDER BY created_at, id",
                             arguments: [at.unixMilliseconds]).map(Waiver.init(row:))
        }
    }

    private func entries(where condition: String, _ value: String, at: Date) throws(ResultsDatabaseError) -> [StreamEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT build, stream, from_stream, entered_at FROM stream_entries
                WHERE \(condition) AND entered_at <= ? ORDER BY entered_at, id
                """, arguments: [value, at.unixMilliseconds]).map { row in
                StreamEntry(build: row["build"], stream: row["stream"], fromStream: row["from_stream"],
                            at: Date(unixMilliseconds: row["entered_at"]))
            }
        }
    }
}
