/// The promotion gate's policy: for each target stream, what a build needs before it may enter.
/// It is read from a YAML file (`init(parsing:source:)`), strictly; `fixtures/gate/policy.yaml`
/// is a commented sample. The format:
///
/// ```yaml
/// arches: [x86_64, aarch64]     # the arches results are required on (default [x86_64])
/// platforms: [qemu]             # qemu, libvirt (default [qemu])
/// streams:
///   testing:                    # a target stream
///     from: [testing-devel, none]   # where a build may come from; "none": its first entry
///     required:                 # the tests that must pass, each rule one of:
///       - tests: "basic.*"      #   a glob over test names (Glob)
///       - tag: upgrade          #   or a tag
///         arch: [x86_64]        # optional: only on these of `arches`
///         platform: [qemu]      # optional: only on these of `platforms`
///   stable:
///     from: [testing]
///     soak: 14d                 # time since the build entered its source stream (w d h m s)
///     required: [{tests: "*"}]
///     upgrade-from-current: true    # an `upgrade`-tagged test from the current release passed
///     flakes:
///       rerun-pass-counts: true     # FLAKE counts as a pass (default true)
///       max-rate: 0.2               # or 20%: a required test flaking more often blocks
///       window: 10                  # over its newest this many results (default 10)
///     always-fail-blocks: false     # a failure the current release shares blocks (default false)
/// ```
public struct GatePolicy: Sendable, Equatable {
    /// What the gate asks of builds entering each stream, in the file's order.
    public var streams: [StreamGatePolicy]
    /// The architectures the gate requires results on.
    public var arches: [String]
    /// The platforms the gate requires results on.
    public var platforms: [String]

    public init(streams: [StreamGatePolicy], arches: [String] = ["x86_64"], platforms: [String] = ["qemu"]) {
        self.streams = streams
        self.arches = arches
        self.platforms = platforms
    }

    /// The policy of target stream `name`, or nil when the policy does not gate it.
    public func stream(_ name: String) -> StreamGatePolicy? {
        streams.first { $0.name == name }
    }

    /// The architectures a policy may name.
    public static let knownArches = ["x86_64", "aarch64", "ppc64le", "s390x"]
    /// The platforms a policy may name.
    public static let knownPlatforms = ["qemu", "libvirt"]
    /// The `from` value for a build that has not entered any stream yet.
    public static let noStream = "none"
    /// The tag of upgrade tests, which `upgrade-from-current` looks for.
    public static let upgradeTag = "upgrade"
    /// The tag of rollback tests: a deliberately broken candidate applied to a machine, which
    /// passes when the machine comes back on its old build. It says nothing for the candidate,
    /// so `upgrade-from-current` never counts it, even if it also carries `upgrade`.
    public static let rollbackTag = "rollback"
}

/// What a build needs to enter one stream.
public struct StreamGatePolicy: Sendable, Equatable {
    /// The target stream.
    public var name: String
    /// The streams a build may come from (the stream it entered last); `GatePolicy.noStream` for
    /// a build that entered none.
    public var from: [String]
    /// The least time since the build entered its source stream; nil: none.
    public var soak: GateDuration?
    /// The rules naming the tests that must pass (see `GateEvaluator` for what passing means).
    public var required: [RequiredTestRule]
    /// Whether a passing `upgrade`-tagged test that updated from the stream's current release is
    /// required on every arch and platform.
    public var upgradeFromCurrent: Bool
    /// How flakes count, and how often a required test may flake.
    public var flakes: FlakePolicy
    /// Whether a required test that fails on the candidate and on the stream's current release
    /// (ALWAYSFAIL) blocks; by default it is reported and does not.
    public var alwaysFailBlocks: Bool

    public init(name: String, from: [String], soak: GateDuration? = nil, required: [RequiredTestRule] = [],
                upgradeFromCurrent: Bool = false, flakes: FlakePolicy = .init(), alwaysFailBlocks: Bool = false) {
        self.name = name
        self.from = from
        self.soak = soak
        self.required = required
        self.upgradeFromCurrent = upgradeFromCurrent
        self.flakes = flakes
        self.alwaysFailBlocks = alwaysFailBlocks
    }
}

/// One `required` rule: tests named by a glob or a tag, optionally on some arches and platforms.
public struct RequiredTestRule: Sendable, Equatable, CustomStringConvertible {
    /// How the rule names its tests.
    public enum Selector: Sendable, Equatable {
        case tests(Glob)
        case tag(String)
    }

    /// Which tests the rule names.
    public var selector: Selector
    /// Only on these arches (a subset of the policy's); empty: all of them.
    public var arches: [String]
    /// Only on these platforms (a subset of the policy's); empty: all of them.
    public var platforms: [String]

    public init(_ selector: Selector, arches: [String] = [], platforms: [String] = []) {
        self.selector = selector
        self.arches = arches
        self.platforms = platforms
    }

    /// `tests "basic.*"`, `tag upgrade on x86_64/qemu`: the rule as the report names it.
    public var description: String {
        var text: String
        switch selector {
        case .tests(let glob): text = "tests \"\(glob.pattern)\""
        case .tag(let tag): text = "tag \(tag)"
        }
        if !arches.isEmpty || !platforms.isEmpty {
            text += " on " + [arches, platforms].filter { !$0.isEmpty }.map { $0.joined(separator: ",") }.joined(separator: "/")
        }
        return text
    }

    /// Whether the rule names test `name` with `tags`.
    public func selects(name: String, tags: [String]) -> Bool {
        switch selector {
        case .tests(let glob): glob.matches(name)
        case .tag(let tag): tags.contains(tag)
        }
    }

    /// Whether the rule applies on `arch` and `platform`.
    public func applies(arch: String, platform: String) -> Bool {
        (arches.isEmpty || arches.contains(arch)) && (platforms.isEmpty || platforms.contains(platform))
    }
}

/// How flakes (a failure that passed when run again) count.
public struct FlakePolicy: Sendable, Equatable {
    /// Whether a FLAKE satisfies a required test.
    public var rerunPassCounts: Bool
    /// The highest share of FLAKE results, 0...1, a required test may have among its newest
    /// `window` results on an arch and platform; nil: not checked.
    public var maxRate: Double?
    /// How many of a test's newest results (across builds) the rate is taken over.
    public var window: Int

    public init(rerunPassCounts: Bool = true, maxRate: Double? = nil, window: Int = 10) {
        self.rerunPassCounts = rerunPassCounts
        self.maxRate = maxRate
        self.window = window
    }
}
