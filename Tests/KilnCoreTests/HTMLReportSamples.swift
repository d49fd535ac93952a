import KilnCore

/// Runs for the HTML report's tests: the report formats' sample run with timelines, boot phases
/// and log excerpts, and a generated run of many tests.
enum HTMLReportSamples {
    /// A machine that reached SSH after 14.2 s, with the milestones a real boot has.
    static func machine(_ id: String, host: String? = nil) -> MachineReport {
        MachineReport(id: id, directory: id.replacing("-m0", with: "/m0"), sshReadySeconds: 14.2,
                      bootPhases: [BootPhase(name: "kernel", seconds: 1.1), BootPhase(name: "ignition-complete", seconds: 5.0),
                                   BootPhase(name: "switch-root", seconds: 6.4), BootPhase(name: "sshd", seconds: 11.8)],
                      host: host)
    }

    /// ``ReportSamples/run`` (a test of each outcome) on two slots: timelines, richer machines,
    /// a host for the warned test and an infrastructure retry for the one that timed out.
    static let run: RunReport = {
        var run = ReportSamples.run
        let timelines: [String: TestTimeline] = [
            "basic.sudo": TestTimeline(queuedAt: 0, startedAt: 0, endedAt: 26.7, memoryMiB: 1280, cpus: 1),
            "ext.config.kernel-panic": TestTimeline(queuedAt: 0, startedAt: 0.1, endedAt: 61.1, memoryMiB: 1280, cpus: 1),
            "basic.reboot-loop": TestTimeline(queuedAt: 0, startedAt: 26.8, endedAt: 626.8, memoryMiB: 1280, cpus: 1),
            "ext.network.dhcp": TestTimeline(queuedAt: 26.8, startedAt: 61.2, endedAt: 151.7, memoryMiB: 1280, cpus: 1),
            "ext.podman.rootless": TestTimeline(queuedAt: 61.2, startedAt: 151.8, endedAt: 196.8, memoryMiB: 1792, cpus: 1),
        ]
        for index in run.tests.indices {
            let test = run.tests[index]
            run.tests[index].timeline = timelines[test.name]
            run.tests[index].machines = test.machines.map {
                machine($0.id, host: test.name == "ext.podman.rootless" ? "qemu+ssh://builder@host-b/system" : nil)
            }
            if test.name == "ext.network.dhcp" {
                run.tests[index].machines[0].directory = "ext.network.dhcp/attempt-2/m0"
            }
            if test.name == "basic.reboot-loop" {
                run.tests[index].infrastructureRetries = ["libvirt host qemu+ssh://host-a/system lost: connection reset"]
            }
        }
        run.hostMemoryMiB = 22410
        run.hostCPUs = 2
        return run
    }()

    /// A console of `count` lines numbered as the guest prints them, with `special` lines put in
    /// at the line numbers given.
    static func log(_ count: Int, special: [Int: String] = [:]) -> String {
        (1...count).map { number in
            special[number] ?? "[\(number / 10).\(number % 10)00000] systemd[1]: Started unit-\(number).service & <friends>."
        }.joined(separator: "\n") + "\n"
    }

    /// Excerpts as ``ReportWriter`` collects them: around the failed test's findings (console
    /// line 412, journal line 88), and the ends of the other logs.
    static let excerpts: [String: [LogExcerpt]] = {
        let fail = ReportSamples.fail
        let failMachine = "ext.config.kernel-panic-m0"
        return [
            fail.name: [
                LogExcerpt(machine: failMachine, source: "console", path: "ext.config.kernel-panic/m0/console.txt",
                           text: log(500, special: [412: "[  41.2] \(ReportSamples.esc)[0;31mKernel panic - not syncing: VFS: Unable"
                                                    + " to mount root fs: \"x\"\(ReportSamples.esc)[0m"]),
                           findings: fail.findings),
                LogExcerpt(machine: failMachine, source: "journal", path: "ext.config.kernel-panic/m0/journal-stream.txt",
                           text: log(120, special: [88: "\(ReportSamples.esc)[0;1;31mFAILED\(ReportSamples.esc)[0m sshd.service"]),
                           findings: fail.findings),
            ],
            "basic.reboot-loop": [
                LogExcerpt(machine: "basic.reboot-loop-m0", source: "console", path: "basic.reboot-loop/m0/console.txt",
                           text: log(30, special: [30: "Rebooting."]), findings: []),
            ],
            "ext.network.dhcp": [
                LogExcerpt(machine: "ext.network.dhcp-m0", source: "journal", path: "ext.network.dhcp/attempt-2/m0/journal.txt",
                           text: "dhcp4: lease acquired\nssh: ready\n", findings: []),
            ],
        ]
    }()

    /// A run of `count` tests on `slots` parallel slots, each test taking 20 to 80 s, with every
    /// 40th failing (with a finding and excerpts), every 97th timing out, every 53rd flaking,
    /// every 61st warning and every 89th skipped, every 50th having waited 30 s in the queue.
    /// Returns the report and its excerpts.
    static func large(count: Int, slots: Int) -> (report: RunReport, excerpts: [String: [LogExcerpt]]) {
        var tests: [TestReport] = []
        var excerpts: [String: [LogExcerpt]] = [:]
        var slotEnds = Array(repeating: 0.0, count: slots)
        for number in 0..<count {
            let name = "ext.suite\(number % 7).test-\(number)"
            let outcome: TestOutcome = number % 40 == 39 ? .fail : number % 97 == 96 ? .timeout : number % 53 == 52 ? .flake
                : number % 61 == 60 ? .warn : number % 89 == 88 ? .skip : .pass
            let seconds = outcome == .skip ? 0 : 20 + Double(number * 37 % 61)
            let machineID = "\(name)-m0"
            var findings: [ConsoleFinding] = []
            if outcome == .fail {
                findings = [ConsoleFinding(check: "kernel-oops", description: "kernel oops", source: "console", machine: machineID,
                                           line: 150, text: "Oops: 0000 [#1] PREEMPT SMP")]
                excerpts[name] = [LogExcerpt(machine: machineID, source: "console", path: "\(name)/m0/console.txt",
                                             text: log(300, special: [150: "Oops: 0000 [#1] PREEMPT SMP"]), findings: findings),
                                  LogExcerpt(machine: machineID, source: "journal", path: "\(name)/m0/journal-stream.txt",
                                             text: log(200), findings: findings)]
            }
            var timeline: TestTimeline?
            if outcome != .skip, let slot = slotEnds.indices.min(by: { slotEnds[$0] < slotEnds[$1] }) {
                let waited = number % 50 == 0 ? min(30, slotEnds[slot]) : 0  // every 50th waited for memory
                timeline = TestTimeline(queuedAt: slotEnds[slot] - waited, startedAt: slotEnds[slot], endedAt: slotEnds[slot] + seconds,
                                        memoryMiB: 1280, cpus: 1)
                slotEnds[slot] += seconds
            }
            tests.append(TestReport(
                name: name, result: outcome, duration: .milliseconds(Int64(seconds * 1000)),
                error: outcome == .pass || outcome == .skip ? nil : "step 3 of \(name) failed: exit status 1",
                output: "    0.0s \(machineID)$ systemctl is-active foo.service -> 3\ninactive\n",
                machines: outcome == .skip ? [] : [machine(machineID)], attempts: outcome == .flake ? 2 : 1,
                tracker: outcome == .warn || outcome == .skip ? "https://example.com/issues/\(number)" : nil,
                timeline: timeline, findings: findings))
        }
        let report = RunReport(platform: "qemu", version: "0.4.0", build: ReportSamples.run.build, accelerator: "kvm",
                               startedAt: "2025-01-01T10:00:00Z", durationSeconds: slotEnds.max() ?? 0, tests: tests)
        return (report, excerpts)
    }
}
