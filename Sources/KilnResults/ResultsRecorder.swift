public import Foundation
public import KilnCore
public import KilnHarness
public import KilnPlatform

/// Records a run in the results database as it goes: a ``RunObserver`` that stores each
/// finished attempt, then passes every event on to the next observer (the progress printer).
/// A write that fails does not stop the run: `onError` hears of it.
///
/// In `kiln run`: create it (which records the run's start) before the runner, give it to the
/// runner as its observer, and call ``finish(_:endedAt:interrupted:)`` with the run's report.
public struct ResultsRecorder: RunObserver {
    public let database: ResultsDatabase
    /// The run's id in the database.
    public let runID: Int64
    /// Each test's tags, by name.
    public let tags: [String: [String]]
    /// For upgrade tests, by name: the build each one's machine was updated from.
    public let upgradeFrom: [String: String]
    public let next: (any RunObserver)?
    public let onError: @Sendable (ResultsDatabaseError) -> Void

    /// Records the start of `run`.
    public init(database: ResultsDatabase, run: RunStart, tags: [String: [String]] = [:], upgradeFrom: [String: String] = [:],
                forwardingTo next: (any RunObserver)?, onError: @escaping @Sendable (ResultsDatabaseError) -> Void) throws(ResultsDatabaseError) {
        self.database = database
        self.runID = try database.beginRun(run)
        self.tags = tags
        self.upgradeFrom = upgradeFrom
        self.next = next
        self.onError = onError
    }

    public func waitingForResources(_ names: [String], memoryMiB: Int, cpus: Int) {
        next?.waitingForResources(names, memoryMiB: memoryMiB, cpus: cpus)
    }

    public func machineStarted(_ machine: any Machine, for name: String) {
        next?.machineStarted(machine, for: name)
    }

    public func testStarted(_ name: String) {
        next?.testStarted(name)
    }

    public func testFinished(_ report: TestReport) {
        do {
            try database.record(test: report, runID: runID, tags: tags[report.name] ?? [], upgradeFrom: upgradeFrom[report.name])
        } catch {
            onError(error)
        }
        next?.testFinished(report)
    }

    public func infrastructureFailed(_ names: [String], _ failure: InfrastructureFailure) {
        next?.infrastructureFailed(names, failure)
    }

    /// Records the run's end from its report (and the tests it has that no attempt recorded).
    public func finish(_ report: RunReport, endedAt: Date = Date(), interrupted: Bool = false) throws(ResultsDatabaseError) {
        try database.finishRun(runID, report: report, tags: tags, upgradeFrom: upgradeFrom, endedAt: endedAt, interrupted: interrupted)
    }
}
