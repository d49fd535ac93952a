import Foundation
import KilnCore
@testable import KilnResults
import Testing

/// Recording a run as it happens, and reading it back.
struct RecordingTests {
    @Test func aRunRoundTrips() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            let machine = MachineReport(id: "basic-m0", directory: "basic/m0", sshReadySeconds: 9.5,
                                        bootPhases: [BootPhase(name: "ignition", seconds: 4.25)])
            try database.record(test: report("basic", .pass, machines: [machine]), runID: runID, tags: ["required", "smoke"],
                                finishedAt: instant(60))
            try database.record(test: report("upgrade", .fail, error: "line 1\nline 2"), runID: runID,
                                upgradeFrom: "40.9", finishedAt: instant(90))
            try database.finishRun(runID, result: .fail, endedAt: instant(100))

            let results = try database.results(build: "41.1", arch: "x86_64", at: instant(1000))
            #expect(results == [
                RecordedResult(runID: runID, build: "41.1", arch: "x86_64", platform: "qemu", test: "basic",
                               tags: ["required", "smoke"], outcome: .pass, finishedAt: instant(60)),
                RecordedResult(runID: runID, build: "41.1", arch: "x86_64", platform: "qemu", test: "upgrade",
                               outcome: .fail, finishedAt: instant(90), failureSummary: "line 1\nline 2", upgradeFrom: "40.9"),
            ])
            #expect(try database.strings("SELECT status || ' ' || result || ' ' || ended_at FROM runs")
                == ["finished FAIL \(instant(100).unixMilliseconds)"])
            let machines = try database.strings("SELECT machines FROM test_attempts WHERE test = 'basic'")
            #expect(try StoredJSON.decodeMachines(machines[0]) == [machine])
        }
    }

    @Test func aRerunThatPassesIsAFlakeAndKeepsBothAttempts() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            try database.record(test: report("basic", .fail, error: "ssh refused"), runID: runID, finishedAt: instant(10))
            try database.record(test: report("basic", .pass, attempt: 2), runID: runID, finishedAt: instant(20))
            let results = try database.results(build: "41.1", arch: "x86_64", at: instant(30))
            #expect(results.map(\.outcome) == [.flake])
            #expect(results.first?.attempts == 2)
            #expect(results.first?.failureSummary == "ssh refused")
            #expect(try database.strings("SELECT attempt || ' ' || outcome || ' ' || verdict FROM test_attempts ORDER BY id")
                == ["1 FAIL FAIL", "2 PASS FLAKE"])
        }
    }

    @Test func aRerunThatFailsAgainStaysAFailure() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            try database.record(test: report("basic", .timeout), runID: runID, finishedAt: instant(10))
            try database.record(test: report("basic", .fail, attempt: 2), runID: runID, finishedAt: instant(20))
            #expect(try database.results(build: "41.1", arch: "x86_64", at: instant(30)).map(\.outcome) == [.fail])
        }
    }

    @Test func finishingFromTheReportAddsOnlyTheTestsNoAttemptRecorded() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1"))
            try database.record(test: report("basic", .fail), runID: runID, finishedAt: instant(10))
            let run = RunReport(platform: "qemu", version: "0.1.0",
                                build: BuildReference(id: "41.1", name: "fcos", architecture: "x86_64", imageSHA256: ""),
                                accelerator: "tcg", startedAt: "", durationSeconds: 20,
                                tests: [report("denied", .skip), report("basic", .fail)])
            try database.finishRun(runID, report: run, tags: ["denied": ["slow"]], endedAt: instant(20), interrupted: true)
            let results = try database.results(build: "41.1", arch: "x86_64", at: instant(30))
            #expect(results.map(\.test) == ["basic", "denied"])
            #expect(results.last?.tags == ["slow"])
            #expect(try database.integer("SELECT COUNT(*) FROM test_attempts") == 2)
            #expect(try database.strings("SELECT status FROM runs") == ["interrupted"])
        }
    }

    @Test func runsOfDeadProcessesOnThisHostBecomeInterrupted() throws {
        try withDatabase { database, _ throws in
            let dead = try database.beginRun(runStart("41.1", host: "here", pid: 100))
            let alive = try database.beginRun(runStart("41.1", host: "here", pid: 200))
            let elsewhere = try database.beginRun(runStart("41.1", host: "there", pid: 100))
            #expect(try database.markInterrupted(hostname: "here", isAlive: { $0 == 200 }) == [dead])
            #expect(try database.strings("SELECT id || ' ' || status FROM runs ORDER BY id")
                == ["\(dead) interrupted", "\(alive) running", "\(elsewhere) running"])
        }
    }

    @Test func openingMarksThisHostsDeadRuns() throws {
        try withDatabase { database, _ throws in
            let runID = try database.beginRun(runStart("41.1", host: "here", pid: 100))
            _ = try ResultsDatabase(path: database.path, hostname: "here", isAlive: { _ in false })
            #expect(try database.strings("SELECT status FROM runs WHERE id = \(runID)") == ["interrupted"])
        }
    }

    @Test func aFailureSummaryIsTheFirstLines() {
        let error = (1...20).map { "line \($0)" }.joined(separator: "\n")
        #expect(AttemptRecord.summary(error) == "line 1\nline 2\nline 3\nline 4\nline 5")
        #expect(AttemptRecord.summary(String(repeating: "x", count: 5000)).count == AttemptRecord.summaryCharacters)
    }
}
