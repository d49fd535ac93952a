import Foundation
import KilnCore
@testable import KilnResults
import KilnTesting
import Testing

/// A Kiln killed with SIGKILL while it records leaves a database that opens consistent: every
/// attempt belongs to a recorded run, every test of a run has one current verdict, every
/// finished run has all its tests, and the dead run is marked interrupted.
struct CrashConsistencyTests {
    static let testsPerRun = 20

    @Test(.timeLimit(.minutes(2)))
    func aWriterKilledMidRunLeavesAConsistentDatabase() async throws {
        let directory = NSTemporaryDirectory() + "kiln-results-kill-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = ResultsDatabase.path(workDirectory: directory)
        var finishedBefore = 0
        for round in 1...3 {
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: ReferenceBuild.kilnExecutable)
            writer.arguments = ["bench", "results-writer", "--workdir", directory, "--tests-per-run", "\(Self.testsPerRun)"]
            writer.standardOutput = FileHandle.nullDevice
            try writer.run()
            // Read while it writes (WAL readers do not wait), until it has finished two more runs.
            var seen = 0
            while seen < finishedBefore + 2 {
                #expect(writer.isRunning, "the writer ended on its own")
                try await Task.sleep(for: .milliseconds(20))
                seen = try finishedRuns(path)
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...15)))
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
            #expect(writer.terminationReason == .uncaughtSignal)

            let database = try ResultsDatabase(path: path, createIfMissing: false)
            #expect(try database.strings("PRAGMA integrity_check") == ["ok"], "round \(round)")
            // What was committed before the kill survived it.
            #expect(try finishedRuns(path) >= seen)
            #expect(try database.integer("SELECT COUNT(*) FROM pragma_foreign_key_check") == 0)
            #expect(try database.integer("SELECT COUNT(*) FROM test_attempts WHERE run_id NOT IN (SELECT id FROM runs)") == 0)
            #expect(try database.integer("SELECT COUNT(*) FROM runs WHERE status = 'running'") == 0)
            // One current verdict per test of a run; all of them in a finished run.
            #expect(try database.integer("""
                SELECT COUNT(*) FROM (SELECT 1 FROM test_attempts WHERE superseded_at IS NULL
                                      GROUP BY run_id, test HAVING COUNT(*) != 1)
                """) == 0)
            #expect(try database.integer("""
                SELECT COUNT(*) FROM runs WHERE status = 'finished' AND
                    (SELECT COUNT(*) FROM test_attempts WHERE run_id = runs.id AND superseded_at IS NULL) != \(Self.testsPerRun)
                """) == 0)
            // A rerun that passed replaced its failure: no superseded row is the last attempt.
            #expect(try database.integer("""
                SELECT COUNT(*) FROM test_attempts a WHERE superseded_at IS NOT NULL AND NOT EXISTS
                    (SELECT 1 FROM test_attempts b WHERE b.run_id = a.run_id AND b.test = a.test AND b.attempt > a.attempt)
                """) == 0)
            finishedBefore = try finishedRuns(path)
        }
        let database = try ResultsDatabase(path: path, createIfMissing: false)
        // A kill can land between two runs, but not three times in a row in practice.
        #expect(try database.integer("SELECT COUNT(*) FROM runs WHERE status = 'interrupted'") >= 1)
    }

    private func finishedRuns(_ path: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        return try ResultsDatabase(path: path, createIfMissing: false)
            .integer("SELECT COUNT(*) FROM runs WHERE status = 'finished'")
    }
}
