import Foundation
public import KilnCore
public import KilnPlatform
public import Logging

/// Told about each test as the run goes, for progress output.
public protocol RunObserver: Sendable {
    func testStarted(_ name: String)
    func testFinished(_ report: TestReport)
}

/// Runs tests on a platform, at most `parallel` at a time, each within its own deadline, and
/// writes each test's artifacts under `outputDirectory`.
public struct TestRunner: Sendable {
    public let platform: any Platform
    public let renderer: MachineConfigRenderer
    public let outputDirectory: String
    public let parallel: Int
    public let logger: Logger
    public let observer: (any RunObserver)?

    public init(platform: any Platform, renderer: MachineConfigRenderer, outputDirectory: String, parallel: Int,
                logger: Logger, observer: (any RunObserver)?) {
        self.platform = platform
        self.renderer = renderer
        self.outputDirectory = outputDirectory
        self.parallel = max(1, parallel)
        self.logger = logger
        self.observer = observer
    }

    /// Runs `tests` and returns their reports in the order given.
    public func run(_ tests: [RegisteredTest]) async -> [TestReport] {
        await withTaskGroup(of: (Int, TestReport).self) { group in
            var next = 0
            var reports: [TestReport?] = Array(repeating: nil, count: tests.count)
            func startNext() {
                guard next < tests.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.runOne(tests[index])) }
            }
            for _ in 0..<min(parallel, tests.count) { startNext() }
            while let (index, report) = await group.next() {
                reports[index] = report
                startNext()
            }
            return reports.compactMap { $0 }
        }
    }

    /// Runs one test to a report; never throws.
    func runOne(_ test: RegisteredTest) async -> TestReport {
        let name = test.metadata.name
        observer?.testStarted(name)
        let started = ContinuousClock.now
        let activity = Activity()
        let directory = "\(outputDirectory)/\(name)"
        let machines = MachineCollector()
        var error: String?
        var outcome: TestOutcome = .pass

        if Task.isCancelled {
            outcome = .skip
            error = "the run was interrupted before this test started"
        } else {
            do {
                try ArtifactDirectory.create(directory)
                let config = try renderer.render(test.config, testName: name)
                let (result, task) = await withDeadline(test.metadata.timeout) {
                    try await self.boot(test, config: config, directory: directory, activity: activity, machines: machines)
                }
                switch result {
                case .finished(.success):
                    break
                case .finished(.failure(let failure)):
                    outcome = .fail
                    error = Task.isCancelled ? "interrupted (Kiln was stopped); its machines were destroyed" : "\(failure)"
                case .interrupted:
                    outcome = .fail
                    error = "interrupted (Kiln was stopped); its machines were killed"
                case .timedOut:
                    outcome = .timeout
                    let doing = activity.summary.map { " while \($0)" } ?? ""
                    error = "timed out after \(String(format: "%g", test.metadata.timeout.seconds))s\(doing); its machines were killed"
                    if !(await awaitEnd(of: task, grace: .seconds(30))) {
                        logger.warning("test \(name) did not unwind within 30s of its timeout (stuck outside any await)")
                    }
                }
            } catch let failure {
                outcome = .fail
                error = "\(failure)"
            }
        }
        let elapsed = ContinuousClock.now - started
        let log = activity.lines + (error.map { ["error: \($0)"] } ?? [])
        try? (log.joined(separator: "\n") + "\n").write(toFile: "\(directory)/test.log", atomically: true, encoding: .utf8)
        let report = TestReport(
            name: name, result: outcome, duration: elapsed, error: error, output: log.joined(separator: "\n"),
            machines: machines.reports.map { report in
                var relative = report
                relative.directory = String(report.directory.dropFirst(outputDirectory.count + 1))
                return relative
            })
        observer?.testFinished(report)
        return report
    }

    /// Boots the test's machines one after another, then runs its body with all of them.
    private func boot(_ test: RegisteredTest, config: IgnitionConfig, directory: String, activity: Activity,
                      machines: MachineCollector) async throws {
        let name = test.metadata.name
        func nest(_ index: Int, _ booted: [any Machine]) async throws {
            if index == test.metadata.clusterSize {
                activity.end()
                try await test.body(TestContext(testName: name, artifactsDirectory: directory, machines: booted,
                                                activity: activity))
                return
            }
            let id = "\(name)-m\(index)"
            let machineDirectory = "\(directory)/m\(index)"
            try ArtifactDirectory.create(machineDirectory)
            try Data(config.rendered.utf8).write(to: URL(fileURLWithPath: "\(machineDirectory)/config.ign"))
            let findings = IgnitionValidator.validate(try JSONDocument(parsing: config.rendered))
            if findings.containsError || (!test.allowConfigWarnings && !findings.isEmpty) {
                throw TestFailure("the config of \(name) is not one Ignition accepts cleanly (config.ign):\n"
                                  + findings.map { "  \($0)" }.joined(separator: "\n"))
            }
            if let rejection = await MachineConfigRenderer.ignitionValidate("\(machineDirectory)/config.ign") {
                throw TestFailure("Ignition rejects the config of \(name) (ignition-validate, before boot):\n\(rejection)")
            }
            activity.begin("booting \(id) (QEMU start to SSH)")
            let spec = MachineSpec(id: id, artifactsDirectory: machineDirectory, config: config, memoryMiB: test.memoryMiB,
                                   onStarted: { machines.add($0) })
            try await platform.withMachine(spec) { machine in
                activity.log("\(id) ready: SSH after \(machine.bootReport().sshReadySeconds.map { String(format: "%.1fs", $0) } ?? "?")")
                try await nest(index + 1, booted + [machine])
            }
        }
        try await nest(0, [])
    }
}
