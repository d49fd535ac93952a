/// `report.json`: what a run did, test by test. Its top level keeps kola's fields
/// (`tests[].name/result/duration` in nanoseconds, `result`, `platform`) so tools that read
/// kola's report read Kiln's too.
public struct RunReport: Sendable, Equatable, Codable {
    public var result: TestOutcome
    public var platform: String
    /// Kiln's version.
    public var version: String
    public var build: BuildReference
    public var accelerator: String
    public var startedAt: String
    public var durationSeconds: Double
    public var tests: [TestReport]

    /// What the run could give its machines: memory in MiB and CPUs (the scheduler's budget).
    public var hostMemoryMiB: Int?
    public var hostCPUs: Int?
    /// How the run was started, for `kiln rerun`; nil in reports of older Kilns.
    public var invocation: RunInvocation?

    public init(platform: String, version: String, build: BuildReference, accelerator: String,
                startedAt: String, durationSeconds: Double, tests: [TestReport], hostMemoryMiB: Int? = nil, hostCPUs: Int? = nil) {
        self.hostMemoryMiB = hostMemoryMiB
        self.hostCPUs = hostCPUs
        self.result = Self.overall(tests.map(\.result))
        self.platform = platform
        self.version = version
        self.build = build
        self.accelerator = accelerator
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds.roundedToMilliseconds
        self.tests = tests
    }

    /// A run's outcome: FAIL when any test failed or timed out, WARN when the only problems are
    /// warnings, else PASS.
    public static func overall(_ outcomes: [TestOutcome]) -> TestOutcome {
        if outcomes.contains(where: { !$0.isSuccess && $0 != .warn }) { return .fail }
        return outcomes.contains(.warn) ? .warn : .pass
    }

    /// Counts per outcome.
    public func count(_ outcome: TestOutcome) -> Int { tests.count { $0.result == outcome } }
}

/// Which build a run tested.
public struct BuildReference: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var architecture: String
    public var imageSHA256: String

    public init(id: String, name: String, architecture: String, imageSHA256: String) {
        self.id = id
        self.name = name
        self.architecture = architecture
        self.imageSHA256 = imageSHA256
    }
}

/// One test's result.
public struct TestReport: Sendable, Equatable, Codable {
    public var name: String
    public var result: TestOutcome
    /// Nanoseconds, as in kola's report.
    public var duration: Int64
    public var durationSeconds: Double
    /// What went wrong, in one paragraph (nil when the test passed).
    public var error: String?
    /// The test's log lines.
    public var output: String
    public var machines: [MachineReport]
    /// How many times the test ran (2 when `--rerun` ran a failure again).
    public var attempts: Int
    /// The denylist entry's tracker URL, for a test skipped or warned by the denylist.
    public var tracker: String?
    /// When the test waited, ran and ended, and what it reserved of the host.
    public var timeline: TestTimeline?
    /// Console and journal "badness" found after the test (kola's checks).
    public var findings: [ConsoleFinding]
    /// Earlier attempts that ended because the host under the test failed (a libvirt host
    /// lost), not because of the test; the result is the last attempt's. Nil when there were none.
    public var infrastructureRetries: [String]?

    public init(name: String, result: TestOutcome, duration: Duration, error: String?, output: String,
                machines: [MachineReport], attempts: Int = 1, tracker: String? = nil, timeline: TestTimeline? = nil,
                findings: [ConsoleFinding] = []) {
        self.name = name
        self.result = result
        self.duration = Int64(duration.seconds * 1e9)
        self.durationSeconds = duration.seconds.roundedToMilliseconds
        self.error = error
        self.output = output
        self.machines = machines
        self.attempts = attempts
        self.tracker = tracker
        self.timeline = timeline
        self.findings = findings
    }
}

/// A test's place in the run's timeline, in seconds since the run started.
public struct TestTimeline: Sendable, Equatable, Codable {
    /// When the test was ready to start (queued).
    public var queuedAt: Double
    /// When it got its resources and started; queue time is not part of its budget.
    public var startedAt: Double
    public var endedAt: Double
    /// What it reserved while it ran: memory of all its machines and their vCPUs.
    public var memoryMiB: Int
    public var cpus: Int

    public init(queuedAt: Double, startedAt: Double, endedAt: Double, memoryMiB: Int, cpus: Int) {
        self.queuedAt = queuedAt.roundedToMilliseconds
        self.startedAt = startedAt.roundedToMilliseconds
        self.endedAt = endedAt.roundedToMilliseconds
        self.memoryMiB = memoryMiB
        self.cpus = cpus
    }
}

/// One match of a console or journal check (kola's "badness" patterns).
public struct ConsoleFinding: Sendable, Equatable, Codable {
    /// The check's name (`kernel-panic`, `ignition-failure`, ...), which a test can suppress.
    public var check: String
    /// A readable description of the check.
    public var description: String
    /// `console` or `journal`.
    public var source: String
    /// The machine whose log matched.
    public var machine: String
    /// 1-based line number in that log.
    public var line: Int
    /// The matching line.
    public var text: String
    /// True when the run treats this check as a warning only.
    public var warningOnly: Bool

    public init(check: String, description: String, source: String, machine: String, line: Int, text: String,
                warningOnly: Bool = false) {
        self.check = check
        self.description = description
        self.source = source
        self.machine = machine
        self.line = line
        self.text = text
        self.warningOnly = warningOnly
    }
}

/// One machine a test booted.
public struct MachineReport: Sendable, Equatable, Codable {
    public var id: String
    /// The machine's artifact directory, relative to the run's output directory.
    public var directory: String
    /// Seconds from QEMU's start to the first successful SSH login; nil if it never got there.
    public var sshReadySeconds: Double?
    /// Milestones seen on the console, as seconds after QEMU's start.
    public var bootPhases: [BootPhase]
    /// The SSH host key the machine presented (`type base64`).
    public var hostKey: String?
    /// Whether that key was checked against the one the guest printed on its console (guests
    /// that print none, such as Fedora CoreOS, are not checked).
    public var hostKeyMatchedConsole: Bool
    /// Where SSH listened on the host (`127.0.0.1:PORT`) and as whom Kiln logged in.
    public var sshAddress: String?
    public var sshUser: String?
    /// Where the machine ran, for a platform with several hosts (a libvirt URI).
    public var host: String?
    /// The command line the hypervisor gave the kernel (direct kernel boot); nil when the
    /// disk's boot loader chose it.
    public var kernelCommandLine: String?

    public init(id: String, directory: String, sshReadySeconds: Double?, bootPhases: [BootPhase],
                hostKey: String? = nil, hostKeyMatchedConsole: Bool = false, sshAddress: String? = nil, sshUser: String? = nil,
                host: String? = nil, kernelCommandLine: String? = nil) {
        self.host = host
        self.kernelCommandLine = kernelCommandLine
        self.id = id
        self.sshAddress = sshAddress
        self.sshUser = sshUser
        self.directory = directory
        self.hostKey = hostKey
        self.hostKeyMatchedConsole = hostKeyMatchedConsole
        self.sshReadySeconds = sshReadySeconds?.roundedToMilliseconds
        self.bootPhases = bootPhases
    }
}

/// A named point in a boot and when it was reached.
public struct BootPhase: Sendable, Equatable, Codable {
    public var name: String
    public var seconds: Double

    public init(name: String, seconds: Double) {
        self.name = name
        self.seconds = seconds.roundedToMilliseconds
    }
}

extension Double {
    /// Rounded to three decimals, as reports show seconds.
    public var roundedToMilliseconds: Double { (self * 1000).rounded() / 1000 }
}
