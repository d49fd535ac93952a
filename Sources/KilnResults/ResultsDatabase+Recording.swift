public import Foundation
import GRDB
public import KilnCore

/// Recording runs as they happen: each call is one transaction.
extension ResultsDatabase {
    /// Records that a run began; returns its id. The run is `running` until ``finishRun``.
    public func beginRun(_ run: RunStart) throws(ResultsDatabaseError) -> Int64 {
        try write { db in try Self.insert(run, into: db) }
    }

    static func insert(_ run: RunStart, into db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO runs (build, stream, arch, platform, kiln_version, host, pid, started_at, output_dir, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')
            """, arguments: [run.build, run.stream, run.arch, run.platform, run.kilnVersion, run.host, run.pid,
                             run.startedAt.unixMilliseconds, run.outputDirectory])
        return db.lastInsertedRowID
    }

    /// Records one finished attempt of a test in run `runID`, and the run's verdict for the test
    /// after it: the attempt's outcome, or FLAKE when it passed after a failed attempt. Each call
    /// is one more attempt (a rerun's report, numbered 2, follows the first attempt's).
    /// - Parameters:
    ///   - tags: the test's tags (the gate can require tests by tag).
    ///   - upgradeFrom: for an upgrade test, the build the machine was updated from.
    public func record(test report: TestReport, runID: Int64, tags: [String] = [], upgradeFrom: String? = nil,
                       finishedAt: Date = Date()) throws(ResultsDatabaseError) {
        try write { db in
            let attempt = AttemptRecord(report: report, tags: tags, upgradeFrom: upgradeFrom, finishedAt: finishedAt)
            try attempt.insert(into: db, run: try RunKey.fetch(db, id: runID))
        }
    }

    /// Records the end of run `runID`: its result, when it ended, and `finished`, or
    /// `interrupted` when a signal stopped it.
    public func finishRun(_ runID: Int64, result: TestOutcome, endedAt: Date = Date(),
                          status: RunStatus = .finished) throws(ResultsDatabaseError) {
        try write { db in try Self.finish(db, runID: runID, result: result, endedAt: endedAt, status: status) }
    }

    /// Records the end of run `runID` from its report, in one transaction: first the tests the
    /// report has but the run recorded no attempt of (tests the denylist skipped, tests an
    /// interruption kept from starting), then the run's result and end. A test already recorded
    /// keeps the verdict its attempts gave.
    public func finishRun(_ runID: Int64, report: RunReport, tags: [String: [String]] = [:], upgradeFrom: [String: String] = [:],
                          endedAt: Date = Date(), interrupted: Bool = false) throws(ResultsDatabaseError) {
        try write { db in
            let run = try RunKey.fetch(db, id: runID)
            let recorded = Set(try String.fetchAll(db, sql: "SELECT DISTINCT test FROM test_attempts WHERE run_id = ?",
                                                   arguments: [runID]))
            for test in report.tests where !recorded.contains(test.name) {
                try AttemptRecord(report: test, tags: tags[test.name] ?? [], upgradeFrom: upgradeFrom[test.name], finishedAt: endedAt)
                    .insert(into: db, run: run)
            }
            try Self.finish(db, runID: runID, result: report.result, endedAt: endedAt,
                            status: interrupted ? .interrupted : .finished)
        }
    }

    static func finish(_ db: Database, runID: Int64, result: TestOutcome, endedAt: Date, status: RunStatus) throws {
        try db.execute(sql: "UPDATE runs SET result = ?, ended_at = ?, status = ? WHERE id = ?",
                       arguments: [result.rawValue, endedAt.unixMilliseconds, status.rawValue, runID])
        if db.changesCount == 0 { throw ResultsDatabaseError.unknownRun(runID) }
    }

    /// Marks `interrupted` the runs still `running` on `hostname` whose Kiln process is gone
    /// (`isAlive` false for its pid); returns their ids. Runs of other hosts are left alone: only
    /// their own host can tell. Opening the database does this for the current host.
    @discardableResult
    public func markInterrupted(hostname: String, isAlive: (Int32) -> Bool) throws(ResultsDatabaseError) -> [Int64] {
        try write { db in
            let running = try Row.fetchAll(db, sql: "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?",
                                           arguments: [hostname])
            let dead: [Int64] = running.filter { !isAlive($0["pid"]) }.map { $0["id"] }
            for id in dead {
                try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE id = ?", arguments: [id])
            }
            return dead
        }
    }
}
