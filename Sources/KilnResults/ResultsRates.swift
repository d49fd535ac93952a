public import Foundation

/// The outcome counts of one test, over every run that matched.
public struct TestRates: Sendable, Equatable {
    public var test: String
    public var counts: OutcomeCounts

    public init(test: String, counts: OutcomeCounts) {
        self.test = test
        self.counts = counts
    }
}

/// The outcome counts of one build on one architecture, over every test that matched.
public struct BuildRates: Sendable, Equatable {
    public var build: String
    public var arch: String
    public var counts: OutcomeCounts
    /// When its last verdict was given.
    public var lastFinishedAt: Date

    public init(build: String, arch: String, counts: OutcomeCounts, lastFinishedAt: Date) {
        self.build = build
        self.arch = arch
        self.counts = counts
        self.lastFinishedAt = lastFinishedAt
    }
}
