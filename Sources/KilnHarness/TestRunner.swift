import Foundation
public import KilnCore
public import KilnPlatform
public import Logging

/// Told about each test as the run goes, for progress output.
public protocol RunObserver: Sendable {
    func testStarted(_ name: String)
    func testFinished(_ report: TestReport)
    /// The host under these tests failed; they run again on another.
    func infrastructureFailed(_ names: [String], _ failure: InfrastructureFailure)
    /// These tests (a job: one test, or a shared machine's) wait until the host has the memory
    /// and CPUs they reserve; `testStarted` follows once they have them.
    func waitingForResources(_ names: [String], memoryMiB: Int, cpus: Int)
    /// A machine of the test (or shared machine) `name` has started booting; its boot report
    /// grows as the console shows the boot's milestones, until SSH answers.
    func machineStarted(_ machine: any Machine, for name: String)
}

extension RunObserver {
    public func infrastructureFailed(_ names: [String], _ failure: InfrastructureFailure) {}
    public func waitingForResources(_ names: [String], memoryMiB: Int, cpus: Int) {}
    public func machineStarted(_ machine: any Machine, for name: String) {}
}

/// How a run treats its tests beyond each test's own metadata.
public struct RunOptions: Sendable {
    /// At most this many tests (or shared-machine buckets) at once; the hosts' memory and CPUs
    /// (or slots) bound it further.
    public var parallel: Int
    /// Run failed tests once more in fresh machines; a pass then is `FLAKE`.
    public var rerun: Bool
    /// Memory per machine for every test, overriding the tests' own.
    public var memoryOverrideMiB: Int?
    /// Console and journal checks only warn instead of failing tests.
    public var consoleChecksWarnOnly: Bool
    /// Tests whose failure is known (denylist entries with `warn: true`), with their trackers:
    /// their failures are `WARN`.
    public var knownFailures: [String: String]
    /// The private key file of the run, for the `ssh-config` written next to each machine.
    public var sshIdentityFile: String?
    /// Where failed tests' machines are held after their verdict (`--keep-failed`); nil stops
    /// every machine when its test ends.
    public var keeper: MachineKeeper?
    /// Machines of the run's build boot this kernel and initramfs with this command line (plus
    /// each test's kernel arguments) instead of the disk's boot loader; nil boots from the disk.
    /// Machines of another build (`RegisteredTest.bootImage`) always boot from their disk.
    public var directKernelBoot: DirectKernelBoot?

    public init(parallel: Int, rerun: Bool = false, memoryOverrideMiB: Int? = nil, consoleChecksWarnOnly: Bool = false,
                knownFailures: [String: String] = [:], sshIdentityFile: String? = nil, keeper: MachineKeeper? = nil,
                directKernelBoot: DirectKernelBoot? = nil) {
        self.keeper = keeper
        self.directKernelBoot = directKernelBoot
        self.parallel = max(1, parallel)
        self.rerun = rerun
        self.memoryOverrideMiB = memoryOverrideMiB
        self.consoleChecksWarnOnly = consoleChecksWarnOnly
        self.knownFailures = knownFailures
        self.sshIdentityFile = sshIdentityFile
    }
}

/// Runs tests on a platform: exclusive tests each on their own machines, non-exclusive ones
/// together on one shared machine (kola's buckets), every test within its own deadline, none
/// before the host has the memory and CPUs its machines need: this machine's (`budget`) when
/// they run here, the platform's hosts' (`Platform.admit`) when they run elsewhere
/// (`runsMachinesLocally` false). Artifacts go under `outputDirectory`.
public struct TestRunner: Sendable {
    public let platform: any Platform
    public let renderer: MachineConfigRenderer
    public let outputDirectory: String
    public let options: RunOptions
    public let budget: ResourceBudget
    public let logger: Logger
    public let observer: (any RunObserver)?

    public init(platform: any Platform, renderer: MachineConfigRenderer, outputDirectory: String, options: RunOptions,
                budget: ResourceBudget, logger: Logger, observer: (any RunObserver)?) {
        self.platform = platform
        self.renderer = renderer
        self.outputDirectory = outputDirectory
        self.options = options
        self.budget = budget
        self.logger = logger
        self.observer = observer
    }

    /// The report name of the shared machine with this index.
    static func bucketName(_ index: Int) -> String { "kiln.bucket-\(index)" }

    /// What runs as one unit of scheduling.
    enum Job: Sendable {
        case single(RegisteredTest, attempt: Int)
        /// Non-exclusive tests sharing one machine.
        case bucket([RegisteredTest], index: Int)
    }

    /// Runs `tests` (and, with `rerun`, their failures again) and returns one report per test in
    /// the order given, plus a `kiln.bucket-N` report for each shared machine.
    public func run(_ tests: [RegisteredTest]) async -> [TestReport] {
        let runStart = ContinuousClock.now
        let shared = tests.filter { !$0.metadata.exclusive }
        let packed = BucketPacking.pack(shared.map(\.metadata)).map { $0.map { shared[$0] } }
        let buckets = packed.filter { $0.count > 1 }
        // A non-exclusive test alone in its bucket gets a machine of its own.
        let alone = Set(packed.filter { $0.count == 1 }.map { $0[0].metadata.name })
        var jobs: [Job] = buckets.enumerated().map { .bucket($0.element, index: $0.offset) }
        jobs += tests.filter { $0.metadata.exclusive || alone.contains($0.metadata.name) }.map { .single($0, attempt: 1) }
        var reports = await schedule(jobs, runStart: runStart)
        if options.rerun {
            // Known failures (denylist `warn`) are not run again.
            let failed = reports.filter { [.fail, .timeout].contains($0.result) && options.knownFailures[$0.name] == nil }
                .compactMap { report in
                tests.first { $0.metadata.name == report.name }
            }
            if !failed.isEmpty, !Task.isCancelled {
                let reruns = await schedule(failed.map { .single($0, attempt: 2) }, runStart: runStart)
                for rerun in reruns {
                    guard let index = reports.firstIndex(where: { $0.name == rerun.name }) else { continue }
                    reports[index] = Self.combine(first: reports[index], rerun: rerun)
                }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: tests.enumerated().map { ($0.element.metadata.name, $0.offset) })
        return reports.sorted { (order[$0.name] ?? -1) < (order[$1.name] ?? -1) }
    }

    /// A failure the denylist expects (`warn: true`) is `WARN`, with the entry's tracker. Applied
    /// to each test's report as it ends, before the observer sees it.
    func markingKnownFailure(_ report: TestReport) -> TestReport {
        guard let tracker = options.knownFailures[report.name], [.fail, .timeout].contains(report.result) else { return report }
        var known = report
        known.result = .warn
        known.tracker = tracker
        return known
    }

    /// The report of a test run twice: FLAKE when the rerun passed, else the rerun's failure.
    static func combine(first: TestReport, rerun: TestReport) -> TestReport {
        var combined = rerun
        combined.attempts = 2
        let firstError = first.error ?? first.result.rawValue
        if rerun.result == .pass {
            combined.result = .flake
            combined.error = "failed on the first attempt (\(firstError)); passed when run again"
        } else {
            combined.error = "\(rerun.error ?? rerun.result.rawValue) (also failed on the first attempt: \(firstError))"
        }
        return combined
    }

    /// Runs `jobs`, at most `parallel` at once, each once the budget grants its resources.
    func schedule(_ jobs: [Job], runStart: ContinuousClock.Instant) async -> [TestReport] {
        await withTaskGroup(of: [TestReport].self) { group in
            var pending = jobs[...]
            func startNext() {
                guard let job = pending.popFirst() else { return }
                group.addTask { await self.runScheduled(job, runStart: runStart) }
            }
            for _ in 0..<min(options.parallel, jobs.count) { startNext() }
            var reports: [TestReport] = []
            while let done = await group.next() {
                reports += done
                startNext()
            }
            return reports
        }
    }

    /// Waits for the job's resources, runs it, and stamps its reports with the timeline.
    private func runScheduled(_ job: Job, runStart: ContinuousClock.Instant) async -> [TestReport] {
        let queuedAt = (ContinuousClock.now - runStart).seconds
        let request = resources(of: job)
        observer?.waitingForResources([job.name], memoryMiB: request.memoryMiB, cpus: request.cpus)
        // This machine's budget bounds machines that run here; a platform whose machines run on
        // other hosts admits jobs by those hosts' room instead (`admit`, below).
        let local = platform.runsMachinesLocally
        do {
            if local { try await budget.reserve(request) }
        } catch {
            return job.tests.map { test in
                TestReport(name: test.metadata.name, result: .skip, duration: .zero,
                           error: "the run was interrupted before this test started", output: "", machines: [])
            }
        }
        let startedAt = (ContinuousClock.now - runStart).seconds
        var reports = await runRetryingInfrastructure(job)
        if local { budget.release(request) }
        let endedAt = (ContinuousClock.now - runStart).seconds
        for index in reports.indices {
            reports[index].timeline = TestTimeline(queuedAt: queuedAt, startedAt: startedAt, endedAt: endedAt,
                                                   memoryMiB: request.memoryMiB, cpus: request.cpus)
        }
        return reports
    }

    /// How often a job whose host failed under it runs again, on another host.
    static let maxInfrastructureRetries = 2

    /// Runs `job`; when the host under it failed (an ``InfrastructureFailure``), moves that
    /// attempt's artifacts aside (`<name>.infrastructure-N`) and runs it again, so that its
    /// verdict comes from a working host. The reports carry the failures they survived.
    func runRetryingInfrastructure(_ job: Job) async -> [TestReport] {
        var retries: [String] = []
        while true {
            // Room on the platform's hosts is waited for here, before any deadline starts.
            let admission: PlatformAdmission?
            do {
                admission = try await platform.admit(machines: machineCount(of: job), memoryMiB: machineMemoryMiB(of: job))
            } catch is CancellationError {
                admission = nil
            } catch {
                admission = PlatformAdmission(refusal: error)
            }
            let (reports, failure): ([TestReport], InfrastructureFailure?) = await PlatformAdmission.$current.withValue(admission) {
                switch job {
                case .single(let test, let attempt):
                    let (report, infrastructure) = await runExclusive(test, attempt: attempt)
                    return ([report], infrastructure)
                case .bucket(let tests, let index):
                    return await runBucket(tests, index: index)
                }
            }
            admission?.release()
            guard let failure, retries.count < Self.maxInfrastructureRetries, !Task.isCancelled else {
                return retries.isEmpty ? reports : reports.map { report in
                    var retried = report
                    retried.infrastructureRetries = retries
                    return retried
                }
            }
            retries.append("\(failure)")
            observer?.infrastructureFailed(reports.map(\.name), failure)
            for report in reports {
                let directory = "\(outputDirectory)/\(report.name)"
                try? FileManager.default.moveItem(atPath: directory, toPath: "\(directory).infrastructure-\(retries.count)")
            }
        }
    }

    /// Machines a job boots at once (a test that boots its own counts as one).
    func machineCount(of job: Job) -> Int {
        switch job {
        case .single(let test, _): max(1, test.metadata.clusterSize)
        case .bucket: 1
        }
    }

    /// Guest memory of each of a job's machines (a bucket's machine has its largest test's).
    func machineMemoryMiB(of job: Job) -> Int {
        switch job {
        case .single(let test, _): memoryMiB(of: test)
        case .bucket(let tests, _): tests.map(memoryMiB).max() ?? 1024
        }
    }

    /// Memory per machine for `test`, with the run's override.
    func memoryMiB(of test: RegisteredTest) -> Int { options.memoryOverrideMiB ?? test.metadata.machine.memoryMiB }

    /// What a job's machines take from the host: guest memory plus QEMU's overhead, and vCPUs.
    func resources(of job: Job) -> ResourceRequest {
        switch job {
        case .single(let test, _):
            return ResourceRequest(test: test, memoryOverrideMiB: options.memoryOverrideMiB)
        case .bucket(let tests, _):
            return ResourceRequest(memoryMiB: (tests.map(memoryMiB).max() ?? 1024) + ResourceRequest.qemuOverheadMiB, cpus: 1)
        }
    }

    /// Where a test's artifacts go: `<output>/<name>`, and `attempt-2/` inside it for a rerun.
    func directory(of name: String, attempt: Int) -> String {
        attempt == 1 ? "\(outputDirectory)/\(name)" : "\(outputDirectory)/\(name)/attempt-\(attempt)"
    }

    /// A report's machine directories relative to the output directory.
    func relativized(_ machines: [MachineReport]) -> [MachineReport] {
        machines.map { report in
            var relative = report
            if report.directory.hasPrefix(outputDirectory + "/") {
                relative.directory = String(report.directory.dropFirst(outputDirectory.count + 1))
            }
            return relative
        }
    }
}

extension TestRunner.Job {
    /// The test's name, or the shared machine's (`kiln.bucket-N`).
    var name: String {
        switch self {
        case .single(let test, _): test.metadata.name
        case .bucket(_, let index): TestRunner.bucketName(index)
        }
    }

    var tests: [RegisteredTest] {
        switch self {
        case .single(let test, _): [test]
        case .bucket(let tests, _): tests
        }
    }
}
