/// One entry of a denylist (kola's `kola-denylist.yaml`): which tests, where, and what to do
/// with them.
public struct DenylistEntry: Sendable, Equatable {
    /// The special pattern that makes every console and journal check a warning, for the whole
    /// run, instead of naming tests.
    public static let skipConsoleWarningsPattern = "skip-console-warnings"

    /// A shell glob on test names.
    public var pattern: Glob
    /// Where the problem is tracked (an issue URL).
    public var tracker: String
    /// The streams, architectures and platforms the entry applies to; empty means all.
    public var streams: [String]
    public var arches: [String]
    public var platforms: [String]
    /// Until when (not including the day itself) the tests are skipped; after that the entry
    /// has expired: the tests run, as warnings when `warn` is set.
    public var snooze: DenylistDate?
    /// The tests run, but their failures are warnings.
    public var warn: Bool
    /// Where the entry starts in its file.
    public var position: SourcePosition

    public init(pattern: String, tracker: String, streams: [String] = [], arches: [String] = [],
                platforms: [String] = [], snooze: DenylistDate? = nil, warn: Bool = false,
                position: SourcePosition = SourcePosition(line: 1, column: 1)) {
        self.pattern = Glob(pattern)
        self.tracker = tracker
        self.streams = streams
        self.arches = arches
        self.platforms = platforms
        self.snooze = snooze
        self.warn = warn
        self.position = position
    }

    /// True for the `skip-console-warnings` entry.
    public var isSkipConsoleWarnings: Bool { pattern.pattern == Self.skipConsoleWarningsPattern }

    /// Whether the entry's scope includes this run. As in kola, an entry limited to streams
    /// does not apply when the stream is unknown (nil).
    public func applies(stream: String?, arch: String, platform: String) -> Bool {
        (arches.isEmpty || arches.contains(arch))
            && (platforms.isEmpty || platforms.contains(platform))
            && (streams.isEmpty || stream.map(streams.contains) == true)
    }

    /// True when the entry has a snooze and `today` is on or after its day (kola compares the
    /// current time with midnight UTC of that day).
    public func isExpired(today: DenylistDate) -> Bool {
        guard let snooze else { return false }
        return today >= snooze
    }

    /// What the entry does to a test it names, on `today`: skip it, run it as a warning, or
    /// nothing (an expired snooze without `warn`).
    public func action(today: DenylistDate) -> DenylistMatch.Action? {
        if let snooze, today < snooze { return .skip }
        if warn { return .warn }
        return snooze == nil ? .skip : nil
    }
}

/// What the denylist says about one test.
public struct DenylistMatch: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Do not run the test (the report lists it as skipped).
        case skip
        /// Run the test; a failure is a warning (`WARN`), never rerun.
        case warn
    }

    public var action: Action
    /// The entry that decided it.
    public var entry: DenylistEntry

    public init(action: Action, entry: DenylistEntry) {
        self.action = action
        self.entry = entry
    }

    /// The entry's tracker URL, for the report.
    public var tracker: String { entry.tracker }

    /// The day a snoozed skip ends, when the skip is a snooze.
    public var snoozedUntil: DenylistDate? { action == .skip ? entry.snooze : nil }
}
