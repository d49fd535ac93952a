import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// Kiln's enforcement, proved with its self-tests (`--tag kiln-selftest`) and with tests
    /// made here: denylist, reruns, known failures, the health check, a QEMU killed mid-test.
    @Suite struct Enforcement {
        static func denylist(_ text: String, in scratch: ScratchDirectory) throws -> String {
            let path = "\(scratch.path)/denylist.yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test func aDenylistedTestIsSkippedWithItsTrackerAndAnExpiredSnoozeIsReported() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let list = try Self.denylist("""
                - pattern: selftest.flaky
                  tracker: https://github.com/example/kiln/issues/1
                - pattern: basic.ssh
                  tracker: https://github.com/example/kiln/issues/2
                  snooze: 2020-01-01
                """, in: scratch)
            let out = "\(scratch.path)/run"
            let (status, output) = try await KilnInvocation.run(
                ["run", "selftest.flaky", "--tag", "kiln-selftest", "--denylist", list, "--build", ReferenceBuild.path,
                 "--output-dir", out], in: scratch.path)
            #expect(status == .exited(0), "\(output)")
            #expect(output.contains("--- SKIP: selftest.flaky (denylisted: https://github.com/example/kiln/issues/1)"), "\(output)")
            #expect(output.contains("the snooze of 'basic.ssh' (https://github.com/example/kiln/issues/2) ended on 2020-01-01"))
            #expect(HostProcesses.qemu(out).isEmpty)
        }

        /// One run: a flaky test passes on its rerun (FLAKE), a unit that fails at boot fails the
        /// health check naming it, and, being denylisted with `warn: true`, is a known failure
        /// (WARN, not rerun): the exit status is 77.
        @Test(.timeLimit(.minutes(20)))
        func rerunMakesAFlakeAndAKnownFailureOnlyWarns() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let list = try Self.denylist("""
                - pattern: selftest.failed-unit
                  tracker: https://github.com/example/kiln/issues/3
                  warn: true
                """, in: scratch)
            let out = "\(scratch.path)/run"
            let (status, output) = try await KilnInvocation.run(
                ["run", "selftest.*", "--tag", "kiln-selftest", "--rerun", "--parallel", "2", "--denylist", list,
                 "--build", ReferenceBuild.path, "--output-dir", out], in: scratch.path)
            #expect(status == .exited(77), "\(output)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
            let flaky = try #require(report.tests.first { $0.name == "selftest.flaky" })
            #expect(flaky.result == .flake, "\(flaky.error ?? "")")
            #expect(flaky.attempts == 2)
            #expect(flaky.error?.contains("failing on purpose on attempt 1") == true)
            #expect(FileManager.default.fileExists(atPath: "\(out)/selftest.flaky/attempt-2/test.log"))
            let unit = try #require(report.tests.first { $0.name == "selftest.failed-unit" })
            #expect(unit.result == .warn)
            #expect(unit.attempts == 1, "a known failure is not rerun")
            #expect(unit.tracker == "https://github.com/example/kiln/issues/3")
            #expect(unit.error?.contains("failed units: kiln-fails.service") == true, "\(unit.error ?? "")")
            #expect(unit.error?.contains("failing on purpose") == true, "the unit's status is in the error")
            #expect(report.result == .warn)
            #expect(HostProcesses.qemu(out).isEmpty)
        }

        /// A QEMU killed under a running test fails that test at once, with QEMU's status, while a
        /// test running beside it passes.
        @Test(.timeLimit(.minutes(10)))
        func aKilledQEMUFailsItsTestAtOnceWhileAParallelTestPasses() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let env = try IntegrationEnvironment()
            let runner = env.runner(outputDirectory: scratch.path, options: RunOptions(parallel: 2))
            let noticed = LockedDuration()
            let victim = RegisteredTest(TestMetadata(name: "it.victim", description: "its QEMU is killed")) { ctx in
                let pids = HostProcesses.qemu("\(ctx.artifactsDirectory)/m0")
                guard let pid = pids.first else { throw TestFailure("no QEMU found for \(ctx.artifactsDirectory)") }
                let killed = ContinuousClock.now
                kill(pid, SIGKILL)
                do {
                    _ = try await ctx.machine.run("sleep 300", timeout: .seconds(400))
                } catch {
                    noticed.set(ContinuousClock.now - killed)
                    throw error
                }
            }
            let bystander = RegisteredTest(TestMetadata(name: "it.bystander", description: "runs beside it")) { ctx in
                try await ctx.machine.check("sleep 20")
            }
            let reports = await runner.run([victim, bystander])
            let failed = try #require(reports.first { $0.name == "it.victim" })
            #expect(failed.result == .fail)
            #expect(failed.error?.contains("QEMU ended unexpectedly") == true, "\(failed.error ?? "")")
            #expect(failed.error?.contains("SIGKILL") == true || failed.error?.contains("signal 9") == true, "\(failed.error ?? "")")
            let delay = try #require(noticed.get(), "the command on the killed machine did not fail")
            #expect(delay < .seconds(10), "the killed QEMU was noticed after \(delay)")
            #expect(reports.first { $0.name == "it.bystander" }?.result == .pass)
            #expect(HostProcesses.qemu(scratch.path).isEmpty)
        }
    }
}

/// A duration set by a test body and read afterwards.
final class LockedDuration: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Duration?
    func set(_ duration: Duration) { lock.withLock { value = duration } }
    func get() -> Duration? { lock.withLock { value } }
}
