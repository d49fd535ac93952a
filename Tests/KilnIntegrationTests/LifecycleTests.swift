import Foundation
import KilnChecks
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnSSH
import KilnTesting
import Logging
import Testing

extension IntegrationTests {
    /// However a run ends, no QEMU is left.
    @Suite struct Lifecycle {
        /// Starts `kiln run basic.ssh` and waits until its QEMU is running.
        func startRunWithQEMU(_ scratch: ScratchDirectory) async throws -> (KilnInvocation, String, [Int32]) {
            let out = "\(scratch.path)/run"
            let kiln = try await KilnInvocation.start(
                ["run", "basic.ssh", "--build", ReferenceBuild.path, "--output-dir", out], in: scratch.path)
            let deadline = ContinuousClock.now + .seconds(120)
            while HostProcesses.qemu(out).isEmpty && ContinuousClock.now < deadline && kiln.process.exitStatus == nil {
                try await Task.sleep(for: .milliseconds(100))
            }
            let qemu = HostProcesses.qemu(out)
            try #require(!qemu.isEmpty, "QEMU never started; kiln said:\n\(kiln.output)")
            return (kiln, out, qemu)
        }

        @Test(.timeLimit(.minutes(5)))
        func killingKilnWithSIGKILLTakesQEMUWithIt() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let (kiln, out, _) = try await startRunWithQEMU(scratch)
            kiln.process.send(SIGKILL)
            _ = await kiln.process.waitForExit()
            #expect(await HostProcesses.waitUntilNoQEMU(out, timeout: .seconds(10)), "QEMU survived kiln's SIGKILL")
            #expect(scratch.files(containing: ".overlay").isEmpty, "an overlay disk was left on disk")
        }

        @Test(.timeLimit(.minutes(5)))
        func sigtermStopsTheRunCleanlyAndWritesTheReport() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let (kiln, out, _) = try await startRunWithQEMU(scratch)
            let start = ContinuousClock.now
            kiln.process.send(SIGTERM)
            let status = await kiln.process.waitForExit()
            #expect(status == .exited(128 + SIGTERM), "kiln said:\n\(kiln.output)")
            #expect(ContinuousClock.now - start < .seconds(30))
            #expect(HostProcesses.qemu(out).isEmpty, "QEMU left running after SIGTERM")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
            #expect(report.result == .fail)
            #expect(report.tests.first?.error?.contains("interrupted") == true)
        }

        @Test(.timeLimit(.minutes(5)))
        func aGuestPanicFailsTheTestAtOnceWithThePanicLine() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let env = try IntegrationEnvironment()
            let runner = env.runner(outputDirectory: scratch.path)
            let panic = RegisteredTest(TestMetadata(name: "it.panic", description: "crashes its kernel", timeout: .seconds(240))) { ctx in
                // The connection dies with the kernel: this command's own error is not the point.
                _ = try? await ctx.machine.run("sudo sh -c 'echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger'",
                                               timeout: .seconds(60))
                _ = try await ctx.machine.run("true", timeout: .seconds(60))
            }
            let start = ContinuousClock.now
            let report = try #require(await runner.run([panic]).first)
            #expect(report.result == .fail)
            #expect(report.error?.contains("the guest kernel panicked") == true, "\(report.error ?? "")")
            #expect(report.error?.contains("sysrq triggered crash") == true)
            #expect(ContinuousClock.now - start < .seconds(200))
            #expect(HostProcesses.qemu(scratch.path).isEmpty)
        }

        @Test(.timeLimit(.minutes(5)))
        func aTestPastItsDeadlineIsATimeoutAndItsMachineIsKilled() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let env = try IntegrationEnvironment()
            let runner = env.runner(outputDirectory: scratch.path)
            // 15 s: under TCG the deadline falls during boot; under KVM, during the command.
            let hang = RegisteredTest(TestMetadata(name: "it.hang", description: "never ends", timeout: .seconds(15))) { ctx in
                _ = try await ctx.machine.run("sleep 3600", timeout: nil)
            }
            let start = ContinuousClock.now
            let reports = await runner.run([hang])
            let report = try #require(reports.first)
            #expect(report.result == .timeout)
            #expect(report.error?.hasPrefix("timed out after 15s while ") == true, "\(report.error ?? "")")
            // Within 5 s of the deadline, QEMU killed and reaped.
            #expect(ContinuousClock.now - start < .seconds(20))
            #expect(HostProcesses.qemu(scratch.path).isEmpty, "QEMU outlived its test's deadline")
        }
    }
}
