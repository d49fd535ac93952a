import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// `kiln run` end to end, as a user runs it.
    @Suite struct KilnRun {
        @Test(.timeLimit(.minutes(20)))
        func basicChecksPassAgainstTheReferenceGuest() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/run"
            let (status, output) = try await KilnInvocation.run(
                ["run", "basic.*", "--build", ReferenceBuild.path, "--output-dir", out, "--parallel", "2"], in: scratch.path)
            #expect(status == .exited(0), "kiln said:\n\(output)")
            #expect(output.contains("PASS: 3 passed, 0 failed"))

            let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))
            let report = try JSONDecoder().decode(RunReport.self, from: data)
            #expect(report.result == .pass)
            #expect(Set(report.tests.map(\.name)) == ["basic.ssh", "basic.ignition", "basic.sudo"])
            for test in report.tests {
                #expect(test.result == .pass, "\(test.name): \(test.error ?? "")")
                #expect(test.durationSeconds > 0)
                let machine = try #require(test.machines.first)
                let ready = try #require(machine.sshReadySeconds)
                #expect(ready > 0 && ready < test.durationSeconds)
                #expect(machine.bootPhases.map(\.name).starts(with: ["kernel", "ignition-fetch", "ignition-files"]))
                #expect(machine.hostKeyMatchedConsole, "the SSH host key was not checked against the console")
                let dir = "\(out)/\(machine.directory)"
                let console = try String(contentsOfFile: "\(dir)/console.txt", encoding: .utf8)
                #expect(console.contains("Ignition (files)"))
                let config = try String(contentsOfFile: "\(dir)/config.ign", encoding: .utf8)
                #expect(config.contains("ssh-ed25519 "))
                let journal = try String(contentsOfFile: "\(dir)/journal.txt", encoding: .utf8)
                #expect(journal.contains("Started ssh.service"))
                let argv = try String(contentsOfFile: "\(dir)/qemu-argv.txt", encoding: .utf8)
                #expect(argv.contains("hostfwd=tcp:127.0.0.1:") && argv.contains("restrict=on"))
                let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int ?? 0o777
                #expect(mode & 0o002 == 0, "artifact directory \(dir) is world-writable")
            }
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

            #expect(!FileManager.default.fileExists(atPath: out), "a refused run created its output directory")
        }

        @Test(.timeLimit(.minutes(10)))
        func aConfigIgnitionFailsOnInTheGuestFailsFastWithIgnitionsError() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/run"
            let start = ContinuousClock.now
            let (status, output) = try await KilnInvocation.run(
                ["run", "basic.ssh", "--build", ReferenceBuild.path, "--output-dir", out,
                 "--append-ignition", Fixtures.path("ignition/file-exists.ign")], in: scratch.path)
            #expect(status == .exited(1))
            #expect(output.contains("Ignition failed in the guest"), "\(output)")
            #expect(output.contains("A file exists there already and overwrite is false"))
            // Seen on the console when Ignition fails: long before the test's 10-minute timeout.
            #expect(ContinuousClock.now - start < .seconds(240))
            #expect(HostProcesses.qemu(out).isEmpty, "QEMU left running")
            #expect(scratch.files(containing: ".overlay").isEmpty)
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
