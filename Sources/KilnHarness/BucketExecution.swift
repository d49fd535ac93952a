import Foundation
import KilnCore
import KilnPlatform
import Synchronization

/// Non-exclusive tests on one shared machine, as kola's buckets: the machine boots once with the
/// merge of every member's config, passes the health check, then each member runs in turn within
/// its own deadline and gets its own report. The machine itself is reported as `kiln.bucket-N`
/// (its boot, health, and console and journal checks).
extension TestRunner {
    /// How long the shared machine may take to boot and settle.
    static let bucketBootTimeout: Duration = .seconds(600)

    func runBucket(_ tests: [RegisteredTest], index: Int) async -> ([TestReport], InfrastructureFailure?) {
        let name = Self.bucketName(index)
        observer?.testStarted(name)
        let started = ContinuousClock.now
        let activity = Activity()
        let directory = "\(outputDirectory)/\(name)"
        let machines = MachineCollector()
        let members = Mutex<[TestReport]>([])
        var ending = TestEnding(outcome: .pass, error: nil)
        activity.log("shared machine for \(tests.map(\.metadata.name).joined(separator: ", "))")
        do {
            try ArtifactDirectory.create(directory)
            let merged = tests.compactMap(\.config).reduce(nil) { (sum: IgnitionConfig?, next) in sum?.merged(with: next) ?? next }
            let config = try renderer.render(merged, testName: name, addingKey: true)
            let budget = tests.reduce(Self.bucketBootTimeout) { $0 + $1.deadline }
            let (result, task) = await withDeadline(budget) {
                try await self.keepingOnFailure(attempt: 1) { verdict in
                    let machineDirectory = "\(directory)/m0"
                    try ArtifactDirectory.create(machineDirectory)
                    try await self.validate(config, of: name, allowingWarnings: false, in: machineDirectory)
                    activity.begin("booting \(name)-m0 (QEMU start to SSH)")
                    let spec = MachineSpec(id: "\(name)-m0", artifactsDirectory: machineDirectory, config: config,
                                           memoryMiB: tests.map(self.memoryMiB).max() ?? 1024, vcpus: 1,
                                           allowOutsideNetwork: tests.contains { $0.metadata.needsInternet },
                                           directKernelBoot: self.options.directKernelBoot,
                                           onStarted: { [observer] machine in
                                               machines.add(machine)
                                               observer?.machineStarted(machine, for: name)
                                           })
                    try await self.platform.withMachine(spec) { machine in
                        self.writeSSHConfig(for: machine.bootReport())
                        activity.begin("checking the health of \(machine.id)")
                        try await HealthCheck.check(machine)
                        activity.end()
                        activity.log("\(machine.id) ready and healthy")
                        for test in tests {
                            let report = await self.runMember(test, on: machine)
                            members.withLock { $0.append(report) }
                        }
                        let failed = members.withLock { $0 }.filter { [.fail, .timeout].contains($0.result) }.map(\.name)
                        if let verdict, !failed.isEmpty {
                            activity.log("held open for --keep-failed: \(machine.id)")
                            await verdict.keep([machine], tests: failed, failure: nil)
                        }
                    }
                }
            }
            ending = await TestEnding(result, task: task, timeout: budget, activity: activity, runner: self, name: name)
        } catch {
            ending = TestEnding(outcome: .fail, error: "\(error)")
        }
        let machineReports = machines.reports
        let findings = LogChecks.scan(machines: machineReports, suppressed: tests.flatMap(\.metadata.flags.suppressedChecks),
                                      warningOnly: options.consoleChecksWarnOnly)
        ending.apply(findings)
        let log = writeLog(activity: activity, error: ending.error, directory: directory)
        let relative = relativized(machineReports)
        let wrapper = TestReport(name: name, result: ending.outcome, duration: ContinuousClock.now - started, error: ending.error,
                                 output: log, machines: relative, findings: findings)
        // A failed host is not the tests' verdict: the runner says so and runs them again.
        if ending.infrastructure == nil { observer?.testFinished(wrapper) }
        var reports = members.withLock { $0 }
        for test in tests where !reports.contains(where: { $0.name == test.metadata.name }) {
            let report = markingKnownFailure(TestReport(
                name: test.metadata.name, result: .fail, duration: .zero,
                error: "not run: the shared machine \(name) failed (\(ending.error ?? "unknown"))", output: "", machines: relative))
            if ending.infrastructure == nil { observer?.testFinished(report) }
            reports.append(report)
        }
        return ([wrapper] + reports.map { member in
            var report = member
            report.machines = relative
            return report
        }, ending.infrastructure)
    }

    /// One member of a bucket on the shared machine, within its own deadline.
    private func runMember(_ test: RegisteredTest, on machine: any Machine) async -> TestReport {
        let name = test.metadata.name
        observer?.testStarted(name)
        let started = ContinuousClock.now
        let activity = Activity()
        let directory = directory(of: name, attempt: 1)
        var ending: TestEnding
        do {
            try ArtifactDirectory.create(directory)
            activity.log("on the shared machine \(machine.id)")
            let (result, task) = await withDeadline(test.deadline) {
                let context = TestContext(testName: name, artifactsDirectory: directory, machines: [machine], activity: activity,
                                          failFast: test.metadata.flags.failFast, sharesMachine: true)
                try await test.body(context)
                try context.throwIfSubtestsFailed()
            }
            ending = await TestEnding(result, task: task, timeout: test.deadline, activity: activity, runner: self, name: name)
        } catch {
            ending = TestEnding(outcome: .fail, error: "\(error)")
        }
        let log = writeLog(activity: activity, error: ending.error, directory: directory)
        let report = markingKnownFailure(TestReport(name: name, result: ending.outcome, duration: ContinuousClock.now - started,
                                                    error: ending.error, output: log, machines: []))
        observer?.testFinished(report)
        return report
    }
}
