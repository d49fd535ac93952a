import Foundation
import KilnCore
import Testing

/// What `kiln rerun` runs again, and the records rerun and replay read.
struct RerunAndReplayTests {
    @Test func theFailuresAndTimeoutsRunAgainNotFlakesWarningsSkipsOrSharedMachines() throws {
        var tests = ReportSamples.run.tests
        tests.append(TestReport(name: "kiln.bucket-0", result: .fail, duration: .seconds(1), error: "boot failed", output: "", machines: []))
        let report = RunReport(platform: "qemu", version: "0", build: ReportSamples.run.build, accelerator: "tcg",
                               startedAt: "", durationSeconds: 1, tests: tests)
        let selection = try RerunSelection(report: report)
        #expect(selection.names == [ReportSamples.fail.name, ReportSamples.timeout.name])
        #expect(selection.failures.map(\.result) == [.fail, .timeout])
    }

    @Test func patternsPickAmongTheFailures() throws {
        let selection = try RerunSelection(report: ReportSamples.run, only: [Glob("basic.*")])
        #expect(selection.names == [ReportSamples.timeout.name])
        #expect(throws: RerunError.self) { try RerunSelection(report: ReportSamples.run, only: [Glob("basic.sudo")]) }
    }

    @Test func aRunWithoutFailuresHasNothingToRunAgain() {
        let report = RunReport(platform: "qemu", version: "0", build: ReportSamples.run.build, accelerator: "tcg",
                               startedAt: "", durationSeconds: 1, tests: [ReportSamples.pass, ReportSamples.flake])
        #expect(throws: RerunError.self) { try RerunSelection(report: report) }
        do {
            _ = try RerunSelection(report: report)
        } catch {
            #expect(error.description.contains("no failed or timed-out test"))
        }
    }

    @Test func multipliedCopiesRunAgainOnceUnderTheirOwnName() throws {
        let copies = ["basic.ssh3", "basic.ssh11", "ignition.reboot0"].map {
            TestReport(name: $0, result: .fail, duration: .seconds(1), error: "x", output: "", machines: [])
        }
        let report = RunReport(platform: "qemu", version: "0", build: ReportSamples.run.build, accelerator: "tcg",
                               startedAt: "", durationSeconds: 1, tests: copies)
        #expect(try RerunSelection(report: report, multiplied: 12).names == ["basic.ssh", "ignition.reboot"])
    }

    @Test func anEscapedNameMatchesItselfOnly() {
        let name = "ext.config.odd[1]*?"
        let pattern = Glob(Glob.escaped(name))
        #expect(pattern.matches(name))
        #expect(!pattern.matches("ext.config.odd1x?"))
        #expect(Glob.escaped("basic.ssh") == "basic.ssh")
    }

    @Test func upgradeTestNamesGiveBackTheirSource() {
        #expect(UpgradeTestName.name(from: "41.1", rollback: false) == "upgrade.from-41.1")
        #expect(UpgradeTestName.source(of: "upgrade.rollback.from-41.1") == "41.1")
        #expect(UpgradeTestName.source(of: "upgrade.from-41.1") == "41.1")
        #expect(UpgradeTestName.source(of: "upgrade.state") == nil)
    }

    @Test func theInvocationPrintsAsAShellWouldTakeIt() {
        let invocation = RunInvocation(command: "run", arguments: ["--build", "b", "--", "basic.*"], workingDirectory: "/src")
        #expect(invocation.shellText == "kiln run --build b -- 'basic.*'")
    }

    @Test func aReportWithoutAnInvocationStillDecodesAndOneWithItRoundTrips() throws {
        var report = ReportSamples.run
        let old = try JSONDecoder().decode(RunReport.self, from: JSONEncoder().encode(report))
        #expect(old.invocation == nil)
        report.invocation = RunInvocation(command: "run", arguments: ["-E", "x=y"], workingDirectory: "/w")
        #expect(try JSONDecoder().decode(RunReport.self, from: JSONEncoder().encode(report)) == report)
    }

    @Test func theConsoleCountsHostKeyLinesPerBoot() {
        var analyzer = ConsoleAnalyzer()
        let line = "\(ConsoleAnalyzer.hostKeyPrefix)ssh-ed25519 AAAAC3Nza\n"
        analyzer.consume(line, at: 1)
        analyzer.consume("reboot\n\(line)", at: 2)
        #expect(analyzer.hostKeys == ["ssh-ed25519 AAAAC3Nza"])
        #expect(analyzer.hostKeyLines == 2)
    }
}
