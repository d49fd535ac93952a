public import Foundation
import GRDB
public import KilnCore

/// What the gate's history holds besides test results: stream entries and waivers.
extension ResultsDatabase {
    /// Records that a build entered a stream.
    public func recordEntry(_ entry: StreamEntry) throws(ResultsDatabaseError) {
        try write { db in
            try db.execute(sql: "INSERT INTO stream_entries (build, stream, from_stream, entered_at) VALUES (?, ?, ?, ?)",
                           arguments: [entry.build, entry.stream, entry.fromStream, entry.at.unixMilliseconds])
        }
    }

    /// Records a waiver; returns it with its id (and its instants as stored, to the millisecond).
    public func addWaiver(testPattern: String, fromBuild: String? = nil, throughBuild: String? = nil, arch: String? = nil,
                          reason: String, waivedBy: String, createdAt: Date = Date(),
                          expiresAt: Date) throws(ResultsDatabaseError) -> Waiver {
        try write { db in
            try db.execute(sql: """
                INSERT INTO waivers (test_pattern, from_build, through_build, arch, reason, waived_by, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [testPattern, fromBuild, throughBuild, arch, reason, waivedBy, createdAt.unixMilliseconds,
                                 expiresAt.unixMilliseconds])
            return Waiver(id: db.lastInsertedRowID, testPattern: testPattern, fromBuild: fromBuild, throughBuild: throughBuild,
                          arch: arch, reason: reason, waivedBy: waivedBy,
                          createdAt: Date(unixMilliseconds: createdAt.unixMilliseconds),
                          expiresAt: Date(unixMilliseconds: expiresAt.unixMilliseconds))
        }
    }
}

extension Waiver {
    init(row: Row) {
        self.init(id: row["id"], testPattern: row["test_pattern"], fromBuild: row["from_build"],
                  throughBuild: row["through_build"], arch: row["arch"], reason: row["reason"], waivedBy: row["waived_by"],
                  createdAt: Date(unixMilliseconds: row["created_at"]), expiresAt: Date(unixMilliseconds: row["expires_at"]))
    }
}
