import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// External tests that must not pass, and Fedora CoreOS-style tests run unchanged, in one
    /// `kiln run` on one shared machine plus one for the test that reboots.
    @Suite struct ExternalTestRuns {
        @Test(.timeLimit(.minutes(15)))
        func failuresTimeoutsAndRefusedRebootsAreReportedAndFCOSStyleTestsRunUnchanged() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            // A new test (creationDate today) that fails: it only warns during its grace period.
            let grace = "\(scratch.path)/grace"
            try FileManager.default.createDirectory(atPath: "\(grace)/new-test", withIntermediateDirectories: true)
            let script = """
                #!/bin/bash
                ## kola:
                ##   exclusive: false
                ##   creationDate: \(DenylistDate.today())
                ##   description: A new test that fails.
                echo "new and failing"; exit 1

                """
            try script.write(toFile: "\(grace)/new-test/test.sh", atomically: true, encoding: .utf8)
            chmod("\(grace)/new-test/test.sh", 0o755)
            let out = "\(scratch.path)/run"
            let (status, output) = try await KilnInvocation.run(
                ["run", "--build", ReferenceBuild.path, "--output-dir", out, "--parallel", "2",
                 "-E", Fixtures.path("external/fcos-style"), "-E", "grace=\(grace)", "--tag", "kiln-selftest", "--tag", "external",
                 "ext.config.selftest.*", "ext.fcos-style.*", "ext.grace.*"], in: scratch.path)
            #expect(status == .exited(1), "kiln said:\n\(output)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
            let results = Dictionary(uniqueKeysWithValues: report.tests.map { ($0.name, $0) })
            let expected: [String: TestOutcome] = [
                "kiln.bucket-0": .pass,
                "ext.fcos-style.files.os-release": .pass, "ext.fcos-style.misc.no-failed-units": .pass,
                "ext.fcos-style.reboot": .pass, "ext.grace.new-test": .warn,
                "ext.config.selftest.fails": .fail, "ext.config.selftest.hangs": .timeout,
                "ext.config.selftest.reboot-refused": .fail,
            ]
            #expect(Set(results.keys) == Set(expected.keys))
            for (name, outcome) in expected {
                #expect(results[name]?.result == outcome, "\(name): \(results[name]?.error ?? "")")
            }
            #expect(results["ext.config.selftest.fails"]?.error?.contains("the script exited with status 3") == true)
            #expect(results["ext.config.selftest.fails"]?.error?.contains("this goes to standard error") == true)
            let hang = try #require(results["ext.config.selftest.hangs"])
            #expect(hang.error?.contains("ran past its timeoutMin of 1 min and was killed") == true)
            let seconds = Double(hang.duration) / 1e9
            #expect(seconds >= 60 && seconds < 120, "killed at its timeoutMin: \(seconds)s")
            #expect(results["ext.config.selftest.reboot-refused"]?.error?.contains("reboots are refused on a machine shared") == true)
            #expect(results["ext.grace.new-test"]?.tracker?.contains("new test (creationDate") == true)
            // Every non-exclusive test ran on the bucket's one machine, the hang did not stop the ones after it.
            let shared = try #require(results["kiln.bucket-0"]?.machines.first?.id)
            let onShared = report.tests.filter { $0.machines.first?.id == shared }.map(\.name)
            #expect(Set(onShared) == Set(expected.keys).subtracting(["ext.fcos-style.reboot"]))
            // The FCOS-style reboot test rebooted once, with the unit's journal of both boots kept.
            let journal = try String(contentsOfFile: "\(out)/ext.fcos-style.reboot/unit-journal.txt", encoding: .utf8)
            #expect(journal.components(separatedBy: "-- boot ").count == 3, "\(journal)")
            #expect(journal.contains("ok first boot") && journal.contains("ok second boot"))
            #expect(HostProcesses.qemu(out).isEmpty, "QEMU left running")
            try await replayAndRerun(run: out, results: results, scratch: scratch)
        }

        /// Every failure left a replay bundle; a developer replays one (from the bundle alone:
        /// the external test's files come from it) and sees it fail the same way, then runs one
        /// failure again with `kiln rerun`, which repeats the run's own arguments.
        func replayAndRerun(run out: String, results: [String: TestReport], scratch: ScratchDirectory) async throws {
            for (name, test) in results {
                let bundled = FileManager.default.fileExists(atPath: "\(out)/\(name)/replay.tar")
                #expect(bundled == [.fail, .timeout].contains(test.result), "\(name) (\(test.result)): replay.tar \(bundled ? "written" : "missing")")
            }
            let bundle = "\(scratch.path)/replay.tar"
            try FileManager.default.copyItem(atPath: "\(out)/ext.config.selftest.fails/replay.tar", toPath: bundle)
            // With --keep (kiln run --keep-failed), the machine of the failure stays up for kiln ssh
            // until Ctrl-C; the report is written first and the status is still the run's.
            let workdir = "\(scratch.path)/work", replayOut = "\(scratch.path)/replay"
            let replayDirectory = "\(scratch.path)/replaying"
            try FileManager.default.createDirectory(atPath: replayDirectory, withIntermediateDirectories: false)
            let replay = try await KilnInvocation.start(
                ["replay", bundle, "--keep", "--build", ReferenceBuild.path, "--workdir", workdir, "--output-dir", replayOut], in: replayDirectory)
            let kept = try await replay.waitForOutput(containing: "machine(s) kept for debugging", timeout: .seconds(420))
            #expect(kept.contains("--- FAIL: ext.config.selftest.fails"), "\(kept)")
            #expect(kept.contains("kiln: ext.config.selftest.fails-m0 kept: ext.config.selftest.fails failed on it"), "\(kept)")
            #expect(FileManager.default.fileExists(atPath: "\(replayOut)/report.json"), "the report was not written before keeping")
            #expect(!HostProcesses.qemu(replayOut).isEmpty, "the failed test's machine was not kept")
            let (ssh, said) = try await KilnInvocation.run(
                ["ssh", "ext.config.selftest.fails-m0", "--workdir", workdir, "--", "cat", "/etc/os-release"], in: scratch.path)
            #expect(ssh == .exited(0) && said.contains("ID=debian"), "\(said)")
            replay.process.send(SIGINT)
            let replayed = await replay.process.waitForExit()
            let replayOutput = replay.output
            #expect(replayed == .exited(1), "kiln said:\n\(replayOutput)")
            #expect(replayOutput.contains("kiln: stopping the kept machines"), "\(replayOutput)")
            #expect(replayOutput.contains("replay of ext.config.selftest.fails: FAIL here, FAIL in the bundle's run (the same)"), "\(replayOutput)")
            #expect(replayOutput.contains("the script exited with status 3"), "\(replayOutput)")
            #expect(await HostProcesses.waitUntilNoQEMU(replayOut, timeout: .seconds(10)), "QEMU left running")
            #expect(!FileManager.default.fileExists(atPath: "\(replayOut)/id_ed25519"))
            let registry = (try? FileManager.default.contentsOfDirectory(atPath: "\(workdir)/machines")) ?? []
            #expect(registry.isEmpty, "registry entries left: \(registry)")
            let (rerun, rerunOutput) = try await KilnInvocation.run(
                ["rerun", out, "ext.config.selftest.reboot-refused", "--output-dir", "\(scratch.path)/rerun"], in: scratch.path)
            #expect(rerun == .exited(1), "kiln said:\n\(rerunOutput)")
            #expect(rerunOutput.contains("running again: ext.config.selftest.reboot-refused (FAIL)"), "\(rerunOutput)")
            let again = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(scratch.path)/rerun/report.json")))
            #expect(again.tests.map(\.name).filter { !$0.hasPrefix("kiln.bucket-") } == ["ext.config.selftest.reboot-refused"])
            #expect(again.build.imageSHA256 == (try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))).build.imageSHA256)
            #expect(HostProcesses.qemu(scratch.path).isEmpty, "QEMU left running")
            let unpacked = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
            #expect(!unpacked.contains { $0.hasPrefix("kiln-replay-") && !$0.hasPrefix("kiln-replay-test-") }, "the unpacked bundle was left")
        }
    }
}
