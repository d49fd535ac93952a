public import KilnCore
public import KilnPlatform

/// A test of an update, in two phases on one machine (kola's upgrade tests, with the update
/// itself done by Kiln between them): `before` runs on the build the machine boots first,
/// `after` once it runs the candidate. Every upgrade test of a run shares each path's machine:
/// its configs are merged, its phases run as subtests (`<name>: before`, `<name>: after`).
public struct UpgradeTest: Sendable {
    /// `upgrade.<something>`.
    public var name: String
    public var description: String
    /// Merged into the machine's config (the old build's Ignition applies it on first boot).
    public var config: IgnitionConfig?
    public var before: @Sendable (UpgradeContext) async throws -> Void
    public var after: @Sendable (UpgradeContext) async throws -> Void
    /// Whether `after` also runs when the candidate is expected to roll back (it then checks
    /// the old build again).
    public var runsAfterRollback: Bool

    /// A test that must fail, proving a check works (`selftest.*`): a path that runs one is
    /// recorded apart from real upgrade results (see ``UpgradePathTest``).
    public var isSelfTest: Bool { name.hasPrefix("selftest.") }

    public init(name: String, description: String, config: IgnitionConfig? = nil, runsAfterRollback: Bool = false,
                before: @escaping @Sendable (UpgradeContext) async throws -> Void,
                after: @escaping @Sendable (UpgradeContext) async throws -> Void) {
        self.name = name
        self.description = description
        self.config = config
        self.runsAfterRollback = runsAfterRollback
        self.before = before
        self.after = after
    }
}

/// What an upgrade test's phases get.
public struct UpgradeContext: Sendable {
    /// The path's test context (its log, its subtests).
    public let test: TestContext
    /// The build the machine booted first, and the candidate.
    public let from: BuildMetadata
    public let to: BuildMetadata
    public let expectation: UpgradeExpectation

    public var machine: any Machine { test.machine }

    /// Adds a line to the path's log.
    public func log(_ message: String) { test.log(message) }

    /// Fails the phase with `message` unless `condition` holds.
    public func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        try test.require(condition, message())
    }
}
