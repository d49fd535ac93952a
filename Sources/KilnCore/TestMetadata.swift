/// What Kiln knows about a registered test without running it: the part of a test that
/// `kiln list` prints and selection reads.
public struct TestMetadata: Sendable, Equatable, Codable {
    /// Unique dotted name, e.g. `basic.ssh`.
    public var name: String
    public var description: String
    /// How many machines the test boots (at least one).
    public var clusterSize: Int
    /// The whole test's budget: boot, every command, every check.
    public var timeout: Duration
    public var tags: [String]
    /// The test runs only when this tag is asked for with `--tag`.
    public var requiredTag: String?
    /// Where the test may run: allow lists (empty means any) and deny lists.
    public var constraints: TestConstraints
    /// Flags that change how the harness treats the test.
    public var flags: TestFlags
    /// What each of the test's machines gets.
    public var machine: MachineOptions
    /// False when the test only reads its machine, so it may share one booted machine with other
    /// such tests (kola's non-exclusive tests), one after another.
    public var exclusive: Bool
    /// Tests this one must not share a machine with (non-exclusive tests only; either side's
    /// list keeps two tests apart).
    public var conflicts: [String] = []

    /// kola's tag for a test whose machines may reach outside networks (QEMU without `restrict=on`).
    public static let needsInternetTag = "needs-internet"
    /// kola's tag with the meaning of ``TestFlags/skipBaseChecks``.
    public static let skipBaseChecksTag = "skip-base-checks"

    /// Whether the test's machines may reach outside networks.
    public var needsInternet: Bool { tags.contains(Self.needsInternetTag) }
    /// Whether the health check after boot is skipped (flag or kola's tag).
    public var skipsBaseChecks: Bool { flags.skipBaseChecks || tags.contains(Self.skipBaseChecksTag) }

    /// kola's default per-test timeout.
    public static let defaultTimeout: Duration = .seconds(600)

    public init(name: String, description: String, clusterSize: Int = 1, timeout: Duration = defaultTimeout,
                tags: [String] = [], requiredTag: String? = nil, constraints: TestConstraints = .init(),
                flags: TestFlags = .init(), machine: MachineOptions = .init(), exclusive: Bool = true) {
        self.name = name
        self.description = description
        self.clusterSize = clusterSize
        self.timeout = timeout
        self.tags = tags
        self.requiredTag = requiredTag
        self.constraints = constraints
        self.flags = flags
        self.machine = machine
        self.exclusive = exclusive
    }

    enum CodingKeys: String, CodingKey {
        case name, description, clusterSize, timeout = "timeoutSeconds", tags, requiredTag, constraints, flags, machine, exclusive
        case conflicts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decode(String.self, forKey: .description)
        clusterSize = try c.decode(Int.self, forKey: .clusterSize)
        timeout = .seconds(try c.decode(Double.self, forKey: .timeout))
        tags = try c.decode([String].self, forKey: .tags)
        requiredTag = try c.decodeIfPresent(String.self, forKey: .requiredTag)
        constraints = try c.decodeIfPresent(TestConstraints.self, forKey: .constraints) ?? .init()
        flags = try c.decodeIfPresent(TestFlags.self, forKey: .flags) ?? .init()
        machine = try c.decodeIfPresent(MachineOptions.self, forKey: .machine) ?? .init()
        exclusive = try c.decodeIfPresent(Bool.self, forKey: .exclusive) ?? true
        conflicts = try c.decodeIfPresent([String].self, forKey: .conflicts) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(clusterSize, forKey: .clusterSize)
        try c.encode(timeout.seconds, forKey: .timeout)
        try c.encode(tags, forKey: .tags)
        try c.encodeIfPresent(requiredTag, forKey: .requiredTag)
        try c.encode(constraints, forKey: .constraints)
        try c.encode(flags, forKey: .flags)
        try c.encode(machine, forKey: .machine)
        try c.encode(exclusive, forKey: .exclusive)
        if !conflicts.isEmpty { try c.encode(conflicts, forKey: .conflicts) }
    }
}

/// Where a test may run, as kola's allow and deny lists: an empty allow list allows all.
public struct TestConstraints: Sendable, Equatable, Codable {
    public var platforms: [String] = []
    public var excludePlatforms: [String] = []
    public var architectures: [String] = []
    public var excludeArchitectures: [String] = []
    public var streams: [String] = []
    public var excludeStreams: [String] = []
    public var firmwares: [String] = []
    public var excludeFirmwares: [String] = []
    /// kola's distros: `fcos`, `rhcos`, `scos`, or a build's own name.
    public var distros: [String] = []
    public var excludeDistros: [String] = []

    public init(platforms: [String] = [], excludePlatforms: [String] = [], architectures: [String] = [],
                excludeArchitectures: [String] = [], streams: [String] = [], excludeStreams: [String] = [],
                firmwares: [String] = [], excludeFirmwares: [String] = [], distros: [String] = [],
                excludeDistros: [String] = []) {
        self.distros = distros
        self.excludeDistros = excludeDistros
        self.platforms = platforms
        self.excludePlatforms = excludePlatforms
        self.architectures = architectures
        self.excludeArchitectures = excludeArchitectures
        self.streams = streams
        self.excludeStreams = excludeStreams
        self.firmwares = firmwares
        self.excludeFirmwares = excludeFirmwares
    }

    /// Why the test cannot run in `target`, or nil when it can.
    public func excludes(_ target: RunTarget) -> String? {
        func check(_ kind: String, _ value: String?, _ allow: [String], _ deny: [String]) -> String? {
            guard let value else { return nil }
            if !allow.isEmpty, !allow.contains(value) { return "\(kind) \(value) is not in [\(allow.joined(separator: ", "))]" }
            if deny.contains(value) { return "\(kind) \(value) is excluded" }
            return nil
        }
        return check("platform", target.platform, platforms, excludePlatforms)
            ?? check("architecture", target.architecture, architectures, excludeArchitectures)
            ?? check("stream", target.stream, streams, excludeStreams)
            ?? check("firmware", target.firmware, firmwares, excludeFirmwares)
            ?? check("distro", target.distro, distros, excludeDistros)
    }

    enum CodingKeys: String, CodingKey {
        case platforms, excludePlatforms, architectures, excludeArchitectures, streams, excludeStreams, firmwares,
             excludeFirmwares, distros, excludeDistros
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] { try c.decodeIfPresent([String].self, forKey: key) ?? [] }
        self.init(platforms: try list(.platforms), excludePlatforms: try list(.excludePlatforms),
                  architectures: try list(.architectures), excludeArchitectures: try list(.excludeArchitectures),
                  streams: try list(.streams), excludeStreams: try list(.excludeStreams), firmwares: try list(.firmwares),
                  excludeFirmwares: try list(.excludeFirmwares), distros: try list(.distros),
                  excludeDistros: try list(.excludeDistros))
    }
}

/// What a run targets, for ``TestConstraints``. A nil member matches every list.
public struct RunTarget: Sendable, Equatable {
    public var platform: String
    public var architecture: String?
    public var stream: String?
    public var firmware: String?
    /// kola's distro of the build (``BuildMetadata/distro``).
    public var distro: String?

    public init(platform: String, architecture: String? = nil, stream: String? = nil, firmware: String? = nil,
                distro: String? = nil) {
        self.distro = distro
        self.platform = platform
        self.architecture = architecture
        self.stream = stream
        self.firmware = firmware
    }
}

/// kola's test flags, as Kiln has them.
public struct TestFlags: Sendable, Equatable, Codable {
    /// Do not add Kiln's SSH key to the config (the test brings its own way in, or none).
    public var noSSHKey: Bool = false
    /// Boot even if Ignition would warn about the config (kola's `AllowConfigWarnings`).
    public var allowConfigWarnings: Bool = false
    /// Skip the health check after boot (failed or stuck units).
    public var skipBaseChecks: Bool = false
    /// Console and journal checks this test does not run, by name (``ConsoleFinding/check``).
    public var suppressedChecks: [String] = []
    /// Stop at the first failed subtest instead of running the rest.
    public var failFast: Bool = false

    public init(noSSHKey: Bool = false, allowConfigWarnings: Bool = false, skipBaseChecks: Bool = false,
                suppressedChecks: [String] = [], failFast: Bool = false) {
        self.noSSHKey = noSSHKey
        self.allowConfigWarnings = allowConfigWarnings
        self.skipBaseChecks = skipBaseChecks
        self.suppressedChecks = suppressedChecks
        self.failFast = failFast
    }
}

/// What each machine of a test gets (kola's `MachineOptions`).
public struct MachineOptions: Sendable, Equatable, Codable {
    public var memoryMiB: Int = 1024
    public var cpus: Int = 1
    /// Extra empty disks, sizes in GiB (`/dev/vdb`, `/dev/vdc`, ...).
    public var additionalDisksGiB: [Int] = []
    /// Extra NICs on user-mode networks of their own (as isolated as the first).
    public var additionalNICs: Int = 0
    /// Kernel arguments the machines must boot with, given to Ignition as
    /// `kernelArguments.shouldExist` (spec 3.3.0 and later; Ignition sets them and reboots, as
    /// Fedora CoreOS does for kola's `appendKernelArgs`).
    public var kernelArguments: [String] = []
    /// `uefi` or `bios` instead of the build's own firmware; nil keeps the build's.
    public var firmware: String?

    public init(memoryMiB: Int = 1024, cpus: Int = 1, additionalDisksGiB: [Int] = [], additionalNICs: Int = 0,
                kernelArguments: [String] = [], firmware: String? = nil) {
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.additionalDisksGiB = additionalDisksGiB
        self.additionalNICs = additionalNICs
        self.kernelArguments = kernelArguments
        self.firmware = firmware
    }

    enum CodingKeys: String, CodingKey {
        case memoryMiB, cpus, additionalDisksGiB, additionalNICs, kernelArguments, firmware
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        memoryMiB = try c.decodeIfPresent(Int.self, forKey: .memoryMiB) ?? 1024
        cpus = try c.decodeIfPresent(Int.self, forKey: .cpus) ?? 1
        additionalDisksGiB = try c.decodeIfPresent([Int].self, forKey: .additionalDisksGiB) ?? []
        additionalNICs = try c.decodeIfPresent(Int.self, forKey: .additionalNICs) ?? 0
        kernelArguments = try c.decodeIfPresent([String].self, forKey: .kernelArguments) ?? []
        firmware = try c.decodeIfPresent(String.self, forKey: .firmware)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(memoryMiB, forKey: .memoryMiB)
        try c.encode(cpus, forKey: .cpus)
        try c.encode(additionalDisksGiB, forKey: .additionalDisksGiB)
        try c.encode(additionalNICs, forKey: .additionalNICs)
        try c.encode(kernelArguments, forKey: .kernelArguments)
        try c.encode(firmware, forKey: .firmware)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
