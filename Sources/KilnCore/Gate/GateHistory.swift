public import Foundation

/// One test's verdict in one recorded run: the run's final outcome for that test, after any
/// reruns (`FLAKE` is a failure that passed when run again).
public struct RecordedResult: Sendable, Equatable {
    /// The results database's id of the run.
    public var runID: Int64
    public var build: String
    public var arch: String
    /// `qemu` or `libvirt`.
    public var platform: String
    public var test: String
    /// The test's tags when it ran (required tests can be named by tag).
    public var tags: [String]
    public var outcome: TestOutcome
    /// How many times the test ran in that run (2 after a rerun).
    public var attempts: Int
    public var finishedAt: Date
    /// The first lines of the failure, when it failed.
    public var failureSummary: String?
    /// For upgrade tests: the build the machine was updated from.
    public var upgradeFrom: String?

    public init(runID: Int64, build: String, arch: String, platform: String, test: String, tags: [String] = [],
                outcome: TestOutcome, attempts: Int = 1, finishedAt: Date, failureSummary: String? = nil,
                upgradeFrom: String? = nil) {
        self.runID = runID
        self.build = build
        self.arch = arch
        self.platform = platform
        self.test = test
        self.tags = tags
        self.outcome = outcome
        self.attempts = attempts
        self.finishedAt = finishedAt
        self.failureSummary = failureSummary
        self.upgradeFrom = upgradeFrom
    }
}

/// A build entering a stream (a promotion, or a build's first entry into a stream).
public struct StreamEntry: Sendable, Equatable {
    public var build: String
    public var stream: String
    /// The stream the build came from (nil for a first entry).
    public var fromStream: String?
    public var at: Date

    public init(build: String, stream: String, fromStream: String? = nil, at: Date) {
        self.build = build
        self.stream = stream
        self.fromStream = fromStream
        self.at = at
    }
}

/// A recorded decision to accept a failing or missing required test: for which tests, builds
/// and architecture, why, by whom, until when.
public struct Waiver: Sendable, Equatable {
    /// The results database's id of the waiver.
    public var id: Int64
    /// A glob over test names (`Glob`).
    public var testPattern: String
    /// The first and last build the waiver covers, compared as versions (nil: open).
    public var fromBuild: String?
    public var throughBuild: String?
    /// nil: every architecture.
    public var arch: String?
    /// A URL that explains the waiver (an issue, a tracker entry).
    public var reason: String
    public var waivedBy: String
    public var createdAt: Date
    /// The waiver applies up to this instant, not after it.
    public var expiresAt: Date

    public init(id: Int64, testPattern: String, fromBuild: String? = nil, throughBuild: String? = nil, arch: String? = nil,
                reason: String, waivedBy: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.testPattern = testPattern
        self.fromBuild = fromBuild
        self.throughBuild = throughBuild
        self.arch = arch
        self.reason = reason
        self.waivedBy = waivedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// What the gate reads of the past: results, stream entries and waivers, as they were at a
/// given instant (`--at`). The results database implements it; tests use an in-memory one.
/// Everything recorded after `at` is ignored.
public protocol GateHistory: Sendable {
    /// Every result of `build` on `arch` (all platforms) recorded up to `at`, oldest first.
    func results(build: String, arch: String, at: Date) throws -> [RecordedResult]
    /// The newest `limit` results of `test` on `arch` and `platform`, across builds, recorded up
    /// to `at`, newest first (for flake rates).
    func recentResults(test: String, arch: String, platform: String, limit: Int, at: Date) throws -> [RecordedResult]
    /// Entries into `stream` up to `at`, oldest first: the last is the stream's current release.
    func entries(stream: String, at: Date) throws -> [StreamEntry]
    /// The streams `build` entered up to `at`, oldest first.
    func entries(build: String, at: Date) throws -> [StreamEntry]
    /// Every waiver created up to `at`, expired ones included (the report names them).
    func waivers(at: Date) throws -> [Waiver]
}
