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

    public init(platform: String, version: String, build: BuildReference, accelerator: String,
                startedAt: String, durationSeconds: Double, tests: [TestReport]) {
        self.result = tests.allSatisfy(\.result.isSuccess) ? .pass : .fail
        self.platform = platform
        self.version = version
        self.build = build
        self.accelerator = accelerator
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds.roundedToMilliseconds
        self.tests = tests
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

    public init(name: String, result: TestOutcome, duration: Duration, error: String?, output: String,
                machines: [MachineReport]) {
        self.name = name
        self.result = result
        self.duration = Int64(duration.seconds * 1e9)
        self.durationSeconds = duration.seconds.roundedToMilliseconds
        self.error = error
        self.output = output
        self.machines = machines
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

    public init(id: String, directory: String, sshReadySeconds: Double?, bootPhases: [BootPhase],
                hostKey: String? = nil, hostKeyMatchedConsole: Bool = false) {
        self.id = id
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
