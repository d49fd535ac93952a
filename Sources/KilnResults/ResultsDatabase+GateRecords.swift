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

/// A gate decision as recorded: when, for which build and stream, under which policy.
public struct RecordedDecision: Sendable, Equatable {
    public var id: Int64
    public var build: String
    public var stream: String
    public var decidedAt: Date
    public var promotable: Bool
    /// The sha256 of the policy file's text.
    public var policySHA256: String
    /// The decision as `kiln gate --json` prints it.
    public var json: String
}

extension ResultsDatabase {
    /// Records a gate decision (`kiln gate` without `--dry-run`, and every `kiln promote`).
    @discardableResult
    public func recordDecision(_ decision: GateDecision, policySHA256: String) throws(ResultsDatabaseError) -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO gate_decisions (build, stream, decided_at, promotable, policy_sha256, decision)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [decision.build, decision.stream, decision.at.unixMilliseconds, decision.promotable ? 1 : 0,
                                 policySHA256, decision.json.serialized(pretty: false)])
            return db.lastInsertedRowID
        }
    }

    /// The decisions recorded for `build` (for every stream, or `stream`), oldest first.
    public func decisions(build: String, stream: String? = nil) throws(ResultsDatabaseError) -> [RecordedDecision] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM gate_decisions WHERE build = ? AND (? IS NULL OR stream = ?) ORDER BY decided_at, id
                """, arguments: [build, stream, stream])
            return rows.map { row in
                RecordedDecision(id: row["id"], build: row["build"], stream: row["stream"],
                                 decidedAt: Date(unixMilliseconds: row["decided_at"]), promotable: row["promotable"] == 1,
                                 policySHA256: row["policy_sha256"], json: row["decision"])
            }
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
