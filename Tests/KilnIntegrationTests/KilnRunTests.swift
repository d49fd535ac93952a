import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// `kiln run` end to end, as a user runs it.
    @Suite struct KilnRun {
        /// The default suite, in parallel, as CI runs it: the built-in checks and the reference
        /// guest's external tests (its work dir's `src/config/tests/kola`, i.e. `tests-external/`).
        /// Every test passes, the reports are valid TAP 13 and JUnit XML, no two tests ever held
        /// more memory than the host has.
        @Test(.timeLimit(.minutes(25)))
        func theDefaultSuitePassesInParallel() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/run"
            let (status, output) = try await KilnInvocation.run(
                ["run", "--build", ReferenceBuild.path, "--output-dir", out, "--parallel", "2"], in: scratch.path)
            #expect(status == .exited(0), "kiln said:\n\(output)")
            #expect(output.contains("PASS: 26 passed; wall time "), "\(output)")
            #expect(output.contains("machines booting during "))

            let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))
            let report = try JSONDecoder().decode(RunReport.self, from: data)
            #expect(report.result == .pass)
            #expect(report.tests.count == 26)
            #expect(report.tests.first?.name == "kiln.bucket-0")
            for test in report.tests {
                #expect(test.result == .pass, "\(test.name): \(test.error ?? "")")
                #expect(test.timeline != nil)
            }
            // The shared machine: booted once, healthy, its artifacts complete.
            let shared = try #require(report.tests.first { $0.name == "kiln.bucket-0" }?.machines.first)
            let ready = try #require(shared.sshReadySeconds)
            #expect(ready > 0)
            #expect(shared.bootPhases.map(\.name).starts(with: ["kernel", "ignition-fetch", "ignition-files"]))
            #expect(shared.hostKeyMatchedConsole, "the SSH host key was not checked against the console")
            let onShared = report.tests.filter { $0.machines.first?.id == shared.id }
            #expect(onShared.count == 21, "13 built-in and 7 external tests share the bucket's machine")
            #expect(onShared.filter { $0.name.hasPrefix("ext.config.") }.count == 7)
            // The external tests that need a machine of their own got one; each left its unit's journal.
            for name in ["ext.config.reboot", "ext.config.machine-options"] {
                let test = try #require(report.tests.first { $0.name == name })
                #expect(test.machines.count == 1 && test.machines.first?.id != shared.id)
            }
            for test in report.tests where test.name.hasPrefix("ext.") {
                #expect(FileManager.default.fileExists(atPath: "\(out)/\(test.name)/unit-journal.txt"), "\(test.name) has no unit-journal.txt")
            }
            let reboots = try String(contentsOfFile: "\(out)/ext.config.reboot/unit-journal.txt", encoding: .utf8)
            #expect(reboots.contains("ok second boot") && reboots.components(separatedBy: "-- boot ").count == 3)
            for machine in report.tests.flatMap(\.machines) {
                let dir = "\(out)/\(machine.directory)"
                // The journal comes over SSH: ignition.failure's machine never gets there.
                let files = ["console.txt", "config.ign", "qemu-argv.txt"] + (machine.sshReadySeconds != nil ? ["journal.txt"] : [])
                for file in files {
                    #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(dir) lacks \(file)")
                }
                let argv = try String(contentsOfFile: "\(dir)/qemu-argv.txt", encoding: .utf8)
                #expect(argv.contains("hostfwd=tcp:127.0.0.1:") && argv.contains("restrict=on"))
                let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int ?? 0o777
                #expect(mode & 0o002 == 0, "artifact directory \(dir) is world-writable")
                if machine.sshReadySeconds != nil {
                    let sshConfig = try String(contentsOfFile: "\(dir)/ssh-config", encoding: .utf8)
                    #expect(sshConfig.contains("StrictHostKeyChecking yes"))
                }
            }
            // The cluster's two machines were on one private network.
            let cluster = try #require(report.tests.first { $0.name == "cluster.private-network" })
            #expect(cluster.machines.count == 2)
            let argv = try String(contentsOfFile: "\(out)/\(cluster.machines[0].directory)/qemu-argv.txt", encoding: .utf8)
            #expect(argv.contains("dgram,id=private,local.type=fd"))
            // Never more memory held at once than the host could give.
            let budget = try #require(report.hostMemoryMiB)
            // Tests sharing a machine share one reservation (and one timeline).
            struct Hold: Hashable { var from: Double, to: Double, memory: Int }
            let holds = Set(report.tests.compactMap(\.timeline).map { Hold(from: $0.startedAt, to: $0.endedAt, memory: $0.memoryMiB) })
            for moment in holds.map(\.from) {
                let total = holds.filter { $0.from <= moment && moment < $0.to }.map(\.memory).reduce(0, +)
                #expect(total <= budget, "\(total) MiB held at \(moment)s, budget \(budget) MiB")
            }
            // Valid TAP 13 and JUnit XML.
            let tap = try await runHostCommand("perl", ["-MTAP::Parser", "-e",
                "my $p = TAP::Parser->new({source => shift}); while (my $r = $p->next) {} "
                    + "print $p->is_good_plan && !$p->parse_errors ? 'good' : 'bad', ' ', scalar($p->passed), ' ', scalar($p->failed), \"\\n\";",
                "\(out)/report.tap"])
            #expect(tap.stdout == "good 26 0\n", "\(tap.stdout)\(tap.stderr)")
            let junit = try await runHostCommand("xmllint", ["--noout", "--schema", Fixtures.path("reports/jenkins-junit.xsd"), "\(out)/junit.xml"])
            #expect(junit.status.succeeded, "\(junit.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(out)/id_ed25519"), "the run's private key outlived the run")
            #expect(scratch.files(containing: ".overlay").isEmpty)
            #expect(HostProcesses.qemu(out).isEmpty, "QEMU left running")
        }

        @Test func badInputFailsFastWithTheCauseAndCreatesNothing() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/run"
            func kiln(_ arguments: [String]) async throws -> (ProcessExitStatus, String, Duration) {
                let start = ContinuousClock.now
                let (status, output) = try await KilnInvocation.run(
                    ["run", "basic.ssh", "--output-dir", out] + arguments, in: scratch.path)
                return (status, output, ContinuousClock.now - start)
            }

            let (missing, missingSaid, _) = try await kiln(["--build", "\(scratch.path)/no-such-build"])
            #expect(missing == .exited(2))
            #expect(missingSaid.contains("no-such-build: no such file or directory"))

            // A meta.json whose checksum does not match the image it names.
            let real = try String(contentsOfFile: try metaPath(), encoding: .utf8)
            let imageDirectory = (try metaPath() as NSString).deletingLastPathComponent
            var meta = try JSONDocument(parsing: real).value
            var qemu = try #require(meta["images"]?["qemu"])
            let imagePath = "\(imageDirectory)/\(qemu["path"]?.stringValue ?? "")"
            qemu = qemu.setting("path", to: .string(imagePath)).setting("sha256", to: .string(String(repeating: "0", count: 64)))
            meta = meta.setting("images", to: (meta["images"] ?? .object([])).setting("qemu", to: qemu))
            try meta.serialized().write(toFile: "\(scratch.path)/meta.json", atomically: true, encoding: .utf8)
            let (corrupt, corruptSaid, corruptTime) = try await kiln(["--build", "\(scratch.path)/meta.json"])
            #expect(corrupt == .exited(2))
            #expect(corruptSaid.contains("refusing a corrupt or replaced image"), "\(corruptSaid)")
            #expect(corruptTime < .seconds(60))

            let (notJSON, notJSONSaid, _) = try await kiln(
                ["--build", ReferenceBuild.path, "--append-ignition", Fixtures.path("ignition/not-json.ign")])
            #expect(notJSON == .exited(2))
            #expect(notJSONSaid.contains("not-json.ign:3:44: not valid JSON: unexpected character '}'"), "\(notJSONSaid)")

            let (rejected, rejectedSaid, _) = try await kiln(
                ["--build", ReferenceBuild.path, "--append-ignition", Fixtures.path("ignition/relative-path.ign")])
            #expect(rejected == .exited(2))
            #expect(rejectedSaid.contains("error at $.storage.files.0.path, line 3 col 34: path not absolute"), "\(rejectedSaid)")

            // A malformed external test header is reported with its file and line before any boot.
            let (malformed, malformedSaid, _) = try await kiln(["--build", ReferenceBuild.path, "-E", Fixtures.path("external/bad")])
            #expect(malformed == .exited(2))
            #expect(malformedSaid.contains("external/bad/typo:5:") && malformedSaid.contains("unknown key timeoutMinutes"), "\(malformedSaid)")

            #expect(!FileManager.default.fileExists(atPath: out), "a refused run created its output directory")

            // Kiln never deletes or mixes runs: a non-empty output directory is refused.
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try "mine".write(toFile: "\(out)/precious.txt", atomically: true, encoding: .utf8)
            let (occupied, occupiedSaid, _) = try await kiln(["--build", ReferenceBuild.path])
            #expect(occupied == .exited(2))
            #expect(occupiedSaid.contains("exists and is not empty; Kiln does not delete"), "\(occupiedSaid)")
            #expect(try String(contentsOfFile: "\(out)/precious.txt", encoding: .utf8) == "mine")
        }

        private func metaPath() throws -> String {
            let builds = ReferenceBuild.path
            if FileManager.default.fileExists(atPath: "\(builds)/meta.json") { return "\(builds)/meta.json" }
            let index = try BuildsIndex(json: Array(try Data(contentsOf: URL(fileURLWithPath: "\(builds)/builds.json"))),
                                        source: "builds.json")
            return "\(builds)/\(try #require(index.newest(arch: "x86_64")).id)/x86_64/meta.json"
        }
    }
}
