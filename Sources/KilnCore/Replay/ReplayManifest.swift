/// `replay.json`, the table of contents of a failed test's `replay.tar`: what ran (the test, its
/// metadata and source), on what (the build and its image digest), how (Kiln's version, the
/// platform, the options that shape a machine), in which company (the run's order and the tests
/// that ran beside it), and how it ended. The bundle's files hold the rest: each machine's
/// rendered Ignition config, QEMU command line or domain XML, console and journal.
public struct ReplayManifest: Sendable, Equatable, Codable {
    /// The format's version; a reader refuses a newer one.
    public static let currentFormat = 1
    public var format: Int
    public var test: TestMetadata
    /// Where the test comes from: Kiln's source (`file:line`) for a built-in test, the script
    /// for an external one.
    public var testSource: String
    /// For an external test: the sha256 of its script and, when its directory is in a git
    /// repository, the commit checked out.
    public var testScriptSHA256: String?
    public var testRevision: String?
    /// For an external test: its project (`config` in `ext.config.NAME`) and the project's
    /// directory in the bundle (`external/<project>`).
    public var externalProject: String?
    public var build: BuildReference
    public var kilnVersion: String
    public var platform: String
    public var accelerator: String
    /// The stream the run was for, which test constraints and denylists see.
    public var stream: String?
    /// `--memory` of the run, which overrides the test's own.
    public var memoryOverrideMiB: Int?
    public var consoleChecksWarnOnly: Bool
    /// `--kargs` of a run with `--direct-kernel-boot` (empty when it had none); nil when the
    /// machines booted from their disk.
    public var directKernelBootArguments: [String]?
    /// Configs the run merged into every machine's (`--append-ignition`, `--append-butane`),
    /// as the Ignition files the bundle holds (`appended/N.ign`), with where each came from.
    public var appendedConfigs: [AppendedConfig]
    /// The attempt that failed (2 when `--rerun` ran it again).
    public var attempt: Int
    public var result: TestOutcome
    public var error: String?
    /// The run's order: every test it ran, as scheduled, how many ran at once, and the tests
    /// whose time overlapped this one's.
    public var runOrder: [String]
    public var parallel: Int
    public var ranBeside: [String]
    /// The run as started, for reference.
    public var invocation: RunInvocation?
    /// Each machine and its files in the bundle, relative to its root.
    public var machines: [ReplayMachine]

    public init(test: TestMetadata, testSource: String, build: BuildReference, kilnVersion: String, platform: String,
                accelerator: String, stream: String?, memoryOverrideMiB: Int?, consoleChecksWarnOnly: Bool,
                appendedConfigs: [AppendedConfig], attempt: Int, result: TestOutcome, error: String?,
                runOrder: [String], parallel: Int, ranBeside: [String], invocation: RunInvocation?, machines: [ReplayMachine]) {
        self.format = Self.currentFormat
        self.test = test
        self.testSource = testSource
        self.build = build
        self.kilnVersion = kilnVersion
        self.platform = platform
        self.accelerator = accelerator
        self.stream = stream
        self.memoryOverrideMiB = memoryOverrideMiB
        self.consoleChecksWarnOnly = consoleChecksWarnOnly
        self.appendedConfigs = appendedConfigs
        self.attempt = attempt
        self.result = result
        self.error = error
        self.runOrder = runOrder
        self.parallel = parallel
        self.ranBeside = ranBeside
        self.invocation = invocation
        self.machines = machines
    }

    /// A config merged into every machine of the run.
    public struct AppendedConfig: Sendable, Equatable, Codable {
        /// The file in the bundle (`appended/0.ign`).
        public var file: String
        /// Where the run read it from (`--append-butane base.bu`).
        public var source: String
        public init(file: String, source: String) {
            self.file = file
            self.source = source
        }
    }

    /// One machine of the test, as the bundle holds it.
    public struct ReplayMachine: Sendable, Equatable, Codable {
        public var id: String
        /// Its directory in the bundle (`machines/m0`), with config.ign, console.txt,
        /// journal.txt and qemu-argv.txt or domain.xml, as far as the run had them.
        public var directory: String
        public var files: [String]
        public var host: String?
        public init(id: String, directory: String, files: [String], host: String?) {
            self.id = id
            self.directory = directory
            self.files = files
            self.host = host
        }
    }
}
