import Foundation
import GRDB
import KilnCore
import KilnHarness
import KilnPlatform
@testable import KilnResults
import Synchronization
import Testing

/// The recorder as `kiln run` uses it: between the runner and the progress printer.
struct ResultsRecorderTests {
    final class Events: RunObserver {
        let seen = Mutex<[String]>([])
        func testStarted(_ name: String) { seen.withLock { $0.append("started \(name)") } }
        func testFinished(_ report: TestReport) { seen.withLock { $0.append("finished \(report.name)") } }
    }

    @Test func recordsEachAttemptAndPassesEveryEventOn() throws {
        try withDatabase { database, _ throws in
            let events = Events()
            let recorder = try ResultsRecorder(database: database, run: runStart("41.1"), tags: ["basic": ["required"]],
                                               forwardingTo: events, onError: { Issue.record("\($0)") })
            recorder.testStarted("basic")
            recorder.testFinished(report("basic", .fail))
            recorder.testStarted("basic")
            recorder.testFinished(report("basic", .pass, attempt: 2))
            let run = RunReport(platform: "qemu", version: "0.1.0",
                                build: BuildReference(id: "41.1", name: "fcos", architecture: "x86_64", imageSHA256: ""),
                                accelerator: "tcg", startedAt: "", durationSeconds: 1, tests: [report("basic", .flake, attempt: 2)])
            try recorder.finish(run)

            #expect(events.seen.withLock { $0 } == ["started basic", "finished basic", "started basic", "finished basic"])
            let results = try database.results(build: "41.1", arch: "x86_64", at: Date())
            #expect(results.map(\.outcome) == [.flake])
            #expect(results.map(\.tags) == [["required"]])
            #expect(results.map(\.runID) == [recorder.runID])
        }
    }

    @Test func aFailedWriteIsReportedNotThrown() throws {
        try withDatabase { database, _ throws in
            let errors = Mutex<[ResultsDatabaseError]>([])
            let recorder = try ResultsRecorder(database: database, run: runStart("41.1"), forwardingTo: nil,
                                               onError: { error in errors.withLock { $0.append(error) } })
            try database.finishRun(recorder.runID, result: .pass)
            try database.write { db in try db.execute(sql: "DELETE FROM runs") }
            recorder.testFinished(report("basic", .pass))
            #expect(errors.withLock { $0 } == [.unknownRun(recorder.runID)])
        }
    }
}
