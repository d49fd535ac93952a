public import KilnCore

/// A verdict as `kiln results` lists it: with the attempt's duration and its run's status.
public struct ResultsHistoryEntry: Sendable, Equatable {
    public var result: RecordedResult
    /// How long the attempt that gave the verdict took.
    public var durationSeconds: Double
    public var runStatus: RunStatus

    public init(result: RecordedResult, durationSeconds: Double, runStatus: RunStatus) {
        self.result = result
        self.durationSeconds = durationSeconds
        self.runStatus = runStatus
    }
}
