import Foundation
import KilnCore
import KilnPlatform
import Logging

/// Running one exclusive test: its machines, its deadline, its checks, its report.
extension TestRunner {
    /// Runs `test` on machines of its own; never throws. The failure is returned when the host
    /// under the test failed.
    func runExclusive(_ test: RegisteredTest, attempt: Int) async -> (TestReport, InfrastructureFailure?) {
        let name = test.metadata.name
        observer?.testStarted(name)
        let started = ContinuousClock.now
        let activity = Activity()
        let directory = directory(of: name, attempt: attempt)
        let machines = MachineCollector()
        var ending = TestEnding(outcome: .pass, error: nil)
        if Task.isCancelled {
            ending = TestEnding(outcome: .skip, error: "the run was interrupted before this test started")
        } else {
            do {
                try ArtifactDirectory.create(directory)
                let config = try renderedConfig(test.config, of: test)
                // A test written for a shared machine that runs alone boots its own: its deadline,
                // which counts from an up machine, gets a bucket's boot time on top.
                let deadline = test.metadata.exclusive ? test.deadline : test.deadline + Self.bucketBootTimeout
                let (result, task) = await withDeadline(deadline) {
                    try await self.keepingOnFailure(attempt: attempt) { verdict in
                        try await self.bootAndRun(test, config: config, directory: directory, activity: activity,
                                                  machines: machines, attempt: attempt, verdict: verdict)
                    }
                }
                ending = await TestEnding(result, task: task, timeout: deadline, activity: activity, runner: self, name: name)
            } catch {
                ending = TestEnding(outcome: .fail, error: "\(error)")
            }
        }
        let machineReports = machines.reports
        let findings = LogChecks.scan(machines: machineReports, suppressed: test.metadata.flags.suppressedChecks,
                                      warningOnly: options.consoleChecksWarnOnly)
        ending.apply(findings)
        let log = writeLog(activity: activity, error: ending.error, directory: directory)
        let report = markingKnownFailure(TestReport(
            name: name, result: ending.outcome, duration: ContinuousClock.now - started, error: ending.error,
            output: log, machines: relativized(machineReports), attempts: attempt, findings: findings))
        // A failed host is not the test's verdict: the runner says so and runs it again.
        if ending.infrastructure == nil { observer?.testFinished(report) }
        return (report, ending.infrastructure)
    }

    /// Boots the test's machines (several at once, each with its own address on a private
    /// network), checks their health, then runs the body with all of them. With a `verdict`, a
    /// failure keeps the machines up (see ``keepingOnFailure(attempt:_:)``).
    private func bootAndRun(_ test: RegisteredTest, config: IgnitionConfig, directory: String, activity: Activity,
                            machines: MachineCollector, attempt: Int, verdict: ScopeVerdict?) async throws {
        let name = test.metadata.name
        let count = test.metadata.clusterSize
        let network = count > 1 ? try platform.privateNetwork(machines: count, name: name) : nil
        defer { network?.shutDown() }
        var specs: [MachineSpec] = []
        for index in 0..<count {
            let id = "\(name)-m\(index)"
            let machineDirectory = "\(directory)/m\(index)"
            try ArtifactDirectory.create(machineDirectory)
            let port = network?.ports[index]
            var machineConfig = config
            if let port { machineConfig = renderer.addingPrivateNetwork(port, to: config) }
            try await validate(machineConfig, of: name, allowingWarnings: test.metadata.flags.allowConfigWarnings,
                               in: machineDirectory)
            specs.append(machineSpec(id: id, directory: machineDirectory, config: machineConfig, of: test,
                                     privateNetwork: port, machines: machines))
        }
        activity.begin("booting \(specs.map(\.id).joined(separator: ", ")) (QEMU start to SSH)")
        let checked: @Sendable ([any Machine]) async throws -> Void = { booted in
            if !test.metadata.skipsBaseChecks {
                for machine in booted {
                    activity.begin("checking the health of \(machine.id)")
                    try await HealthCheck.check(machine)
                }
            }
            activity.end()
            let provider = RunnerMachineProvider(runner: self, test: test, directory: directory, machines: machines,
                                                 activity: activity)
            let context = TestContext(testName: name, artifactsDirectory: directory, machines: booted, activity: activity,
                                      attempt: attempt, privateAddresses: network?.ports.map(\.address) ?? [],
                                      failFast: test.metadata.flags.failFast, provider: provider,
                                      checksHealth: !test.metadata.skipsBaseChecks)
            try await test.body(context)
            try context.throwIfSubtestsFailed()
        }
        let body: @Sendable ([any Machine]) async throws -> Void = { booted in
            do {
                try await checked(booted)
            } catch {
                if let verdict {
                    activity.log("held open for --keep-failed: \(booted.map(\.id).joined(separator: ", "))")
                    await verdict.keep(booted, tests: [name], failure: error)
                }
                throw error
            }
        }
        let onReady: @Sendable (any Machine) -> Void = { machine in
            let report = machine.bootReport()
            activity.log("\(machine.id) ready: SSH after \(report.sshReadySeconds.map { String(format: "%.1fs", $0) } ?? "?")")
            self.writeSSHConfig(for: report)
        }
        if specs.isEmpty {
            try await body([])
        } else if specs.count == 1 {
            try await platform.withMachine(specs[0]) { machine in
                onReady(machine)
                try await body([machine])
            }
        } else {
            try await ClusterBoot.run(specs: specs, platform: platform, onReady: onReady, body: body)
        }
    }

    /// `config` (nil: an empty one) as a machine of `test` boots with it: the run's appended
    /// configs, Kiln's key unless the test opts out, the test's kernel arguments (unless they
    /// go on a direct kernel boot's command line).
    func renderedConfig(_ config: IgnitionConfig?, of test: RegisteredTest) throws(ConfigError) -> IgnitionConfig {
        try renderer.render(config, testName: test.metadata.name, addingKey: !test.metadata.flags.noSSHKey,
                            kernelArguments: directKernelBoot(of: test) == nil ? test.metadata.machine.kernelArguments : [])
    }

    /// How a machine of `test` boots directly, if the run asked for it: the run's command line
    /// and the test's kernel arguments; nil for a machine of another build, which boots from its
    /// disk.
    func directKernelBoot(of test: RegisteredTest) -> DirectKernelBoot? {
        guard test.bootImage == nil, let boot = options.directKernelBoot else { return nil }
        return boot.appending(test.metadata.machine.kernelArguments)
    }

    /// A machine of `test` with the test's machine options.
    func machineSpec(id: String, directory: String, config: IgnitionConfig, of test: RegisteredTest,
                     privateNetwork: PrivateNetwork.Port? = nil, machines: MachineCollector) -> MachineSpec {
        let options = test.metadata.machine
        var spec = MachineSpec(id: id, artifactsDirectory: directory, config: config, memoryMiB: memoryMiB(of: test),
                           vcpus: options.cpus, allowOutsideNetwork: test.metadata.needsInternet, privateNetwork: privateNetwork,
                           additionalDisksGiB: options.additionalDisksGiB, additionalNICs: options.additionalNICs,
                           firmware: options.firmware.flatMap(BootImage.Firmware.init(rawValue:)),
                           image: test.bootImage, onStarted: { [observer] machine in
                                machines.add(machine)
                                observer?.machineStarted(machine, for: test.metadata.name)
                           })
        spec.expectsFailedBoots = test.expectsFailedBoots
        spec.directKernelBoot = directKernelBoot(of: test)
        return spec
    }

    /// Writes `config.ign` and refuses a config Kiln's validator or Ignition's own would not
    /// take cleanly (warnings pass only when allowed, as by a test's `allowConfigWarnings`).
    func validate(_ config: IgnitionConfig, of name: String, allowingWarnings: Bool, in machineDirectory: String) async throws {
        try Data(config.rendered.utf8).write(to: URL(fileURLWithPath: "\(machineDirectory)/config.ign"))
        let findings = IgnitionValidator.validate(try JSONDocument(parsing: config.rendered))
        if findings.containsError || (!allowingWarnings && !findings.isEmpty) {
            throw TestFailure("the config of \(name) is not one Ignition accepts cleanly (config.ign):\n"
                              + findings.map { "  \($0)" }.joined(separator: "\n"))
        }
        if let rejection = await MachineConfigRenderer.ignitionValidate("\(machineDirectory)/config.ign") {
            throw TestFailure("Ignition rejects the config of \(name) (ignition-validate, before boot):\n\(rejection)")
        }
    }

    /// `ssh-config` next to a machine's artifacts (see ``SSHConfigFile``).
    func writeSSHConfig(for report: MachineReport) {
        guard let identity = options.sshIdentityFile else { return }
        SSHConfigFile.write(for: report, identityFile: identity)
    }

    /// Writes `test.log` (the activity log and the error) and returns it.
    func writeLog(activity: Activity, error: String?, directory: String) -> String {
        let log = (activity.lines + (error.map { ["error: \($0)"] } ?? [])).joined(separator: "\n")
        try? (log + "\n").write(toFile: "\(directory)/test.log", atomically: true, encoding: .utf8)
        return log
    }
}

/// How a test ended, before it is written into its report.
struct TestEnding {
    var outcome: TestOutcome
    var error: String?
    /// Set when the host under the test failed: the runner runs the test again elsewhere.
    var infrastructure: InfrastructureFailure?

    init(outcome: TestOutcome, error: String?) {
        self.outcome = outcome
        self.error = error
    }

    /// The ending of a test body raced against its deadline.
    init<T>(_ result: DeadlineOutcome<T>, task: Task<T, any Error>, timeout: Duration, activity: Activity,
            runner: TestRunner, name: String) async {
        switch result {
        case .finished(.success):
            self.init(outcome: .pass, error: nil)
        case .finished(.failure(let failure as InfrastructureFailure)):
            self.init(outcome: .fail, error: "\(failure)")
            infrastructure = failure
        case .finished(.failure(let failure as TestTimedOut)):
            self.init(outcome: .timeout, error: "\(failure)")
        case .finished(.failure(let failure)):
            self.init(outcome: .fail, error: Task.isCancelled ? "interrupted (Kiln was stopped); its machines were destroyed" : "\(failure)")
        case .interrupted:
            self.init(outcome: .fail, error: "interrupted (Kiln was stopped); its machines were killed")
        case .timedOut:
            let doing = activity.summary.map { " while \($0)" } ?? ""
            self.init(outcome: .timeout, error: "timed out after \(String(format: "%g", timeout.seconds))s\(doing); its machines were killed")
            if !(await awaitEnd(of: task, grace: .seconds(30))) {
                runner.logger.warning("test \(name) did not unwind within 30s of its timeout (stuck outside any await)")
            }
        }
    }

    /// Console and journal findings fail a test that otherwise passed (warning-only ones do not).
    mutating func apply(_ findings: [ConsoleFinding]) {
        let failing = findings.filter { !$0.warningOnly }
        guard !failing.isEmpty, outcome == .pass else { return }
        outcome = .fail
        error = "console/journal checks matched: " + failing.prefix(5).map {
            "\($0.check) (\($0.description)) in \($0.machine) \($0.source) line \($0.line): \($0.text)"
        }.joined(separator: "; ")
    }
}
