import Foundation
import GRDB
import KilnCore
@testable import KilnResults
import Testing

/// Opening: the schema from an empty file, WAL, foreign keys, and a missing database.
struct SchemaTests {
    @Test func migratesAnEmptyFileToEveryTable() throws {
        try withDatabase { database, _ throws in
            let tables = try database.strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' ORDER BY name")
            #expect(tables == ["gate_decisions", "runs", "stream_entries", "test_attempts", "waivers"])
            #expect(try database.strings("SELECT identifier FROM grdb_migrations")
                == ["v1: runs, test attempts, stream entries, waivers", "v2: gate decisions"])
            let indexes = try database.strings("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")
            #expect(Set(indexes).isSuperset(of: ["attempts_by_build", "attempts_by_test", "entries_by_stream", "entries_by_build"]))
        }
    }

    @Test func usesWALAndForeignKeys() throws {
        try withDatabase { database, _ throws in
            #expect(try database.strings("PRAGMA journal_mode") == ["wal"])
            #expect(try database.integer("PRAGMA foreign_keys") == 1)
        }
    }

    @Test func reopeningKeepsWhatWasRecorded() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            let again = try ResultsDatabase(path: database.path, createIfMissing: false)
            #expect(try again.integer("SELECT COUNT(*) FROM runs WHERE id = \(runID)") == 1)
            #expect(try again.integer("SELECT COUNT(*) FROM grdb_migrations") == 2)
        }
    }

    @Test func aVersion1DatabaseIsMigratedWithItsHistoryKept() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            try database.record(test: report("basic", .pass), runID: runID, finishedAt: instant(10))
            try database.finishRun(runID, result: .pass, endedAt: instant(20))
            // Make it the file v1 left: no v2 table, no v2 in the migration log.
            try database.write { db in
                try db.execute(sql: "DROP TABLE gate_decisions")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v2:%'")
            }
            let reopened = try ResultsDatabase(path: database.path, createIfMissing: false)
            #expect(try reopened.strings("SELECT identifier FROM grdb_migrations")
                == ["v1: runs, test attempts, stream entries, waivers", "v2: gate decisions"])
            #expect(try reopened.results(build: "41.1", arch: "x86_64", at: instant(30)).map(\.test) == ["basic"])
            #expect(try reopened.integer("SELECT COUNT(*) FROM gate_decisions") == 0)
            #expect(try reopened.strings("PRAGMA integrity_check") == ["ok"])
        }
    }

    @Test func aMissingDatabaseIsNotCreatedWhenAskedNotTo() {
        let path = NSTemporaryDirectory() + "kiln-results-\(UUID().uuidString)/kiln.sqlite"
        #expect(throws: ResultsDatabaseError.missing(path: path)) {
            try ResultsDatabase(path: path, createIfMissing: false)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect("\(ResultsDatabaseError.missing(path: path))".contains("no run was recorded"))
    }

    @Test func anAttemptNeedsItsRun() throws {
        try withDatabase { database, _ throws in
            #expect(throws: ResultsDatabaseError.unknownRun(99)) {
                try database.record(test: report("basic", .pass), runID: 99)
            }
            #expect(throws: ResultsDatabaseError.unknownRun(99)) {
                try database.finishRun(99, result: .pass)
            }
        }
    }
}
