import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// `kiln spawn`, `kiln ssh` and `kiln destroy` as a user runs them, in one boot. (`kiln run
    /// --keep-failed` is tested through `kiln replay --keep`, in ExternalTestRuns.)
    @Suite struct Spawn {
        /// Runs `kiln arguments...` under script(1), on a pseudo-terminal, with `text` typed into
        /// it; returns its status and what the terminal showed.
        func typing(_ text: String, into arguments: [String], in directory: String) async throws -> (ProcessExitStatus, String) {
            let typed = "\(directory)/typed.txt", shown = "\(directory)/terminal.txt"
            try text.write(toFile: typed, atomically: true, encoding: .utf8)
            let input = open(typed, O_RDONLY | O_CLOEXEC)
            let output = open(shown, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            defer {
                close(input)
                close(output)
            }
            let command = ([ReferenceBuild.kilnExecutable] + arguments).map(Shell.quoted).joined(separator: " ")
            let script = try await ProcessSpawner.shared.spawn(executable: "/usr/bin/script", arguments: ["-qefc", command, "/dev/null"],
                                                               descriptors: [input, output, output])
            let status = await script.waitForExit()
            return (status, (try? String(contentsOfFile: shown, encoding: .utf8)) ?? "")
        }

        /// `kiln spawn --detach` boots one machine with a Butane config and returns; `kiln ssh`
        /// runs commands on it (one through an interactive login on a pseudo-terminal);
        /// `kiln destroy` stops it and leaves nothing: no QEMU, no keeper, no session files.
        @Test(.timeLimit(.minutes(8)))
        func spawnDetachSSHAndDestroy() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let workdir = "\(scratch.path)/work"
            let (status, output) = try await KilnInvocation.run(
                ["spawn", "--detach", "-n", "1", "--build", ReferenceBuild.path, "--workdir", workdir,
                 "--config", Fixtures.path("spawn/marker.bu")], in: scratch.path)
            #expect(status == .exited(0), "kiln spawn said:\n\(output)")
            #expect(output.contains("kiln: spawn-1-m0 is up"), "\(output)")
            #expect(output.contains("ssh -F \(workdir)/machines/spawn-1/m0/ssh-config m0"), "\(output)")
            #expect(output.contains("until `kiln destroy spawn-1`"), "\(output)")
            let session = "\(workdir)/machines/spawn-1"
            let record = try JSONDecoder().decode(MachineSession.self, from: Data(contentsOf: URL(fileURLWithPath: "\(session)/session.json")))
            #expect(record.ready && record.machines.map(\.name) == ["spawn-1-m0"])
            let registryMode = try FileManager.default.attributesOfItem(atPath: "\(workdir)/machines")[.posixPermissions] as? Int
            #expect(registryMode == 0o750)
            #expect(!HostProcesses.qemu(session).isEmpty, "no QEMU runs for the spawned machine")

            // The Butane config was applied; a command's status comes back.
            let (marker, said) = try await KilnInvocation.run(
                ["ssh", "spawn-1-m0", "--workdir", workdir, "--", "cat", "/etc/kiln-spawn-marker"], in: scratch.path)
            #expect(marker == .exited(0), "\(said)")
            #expect(said.contains("spawned by kiln"), "\(said)")
            let (failing, _) = try await KilnInvocation.run(
                ["ssh", "spawn-1", "--workdir", workdir, "--", "exit", "7"], in: scratch.path)
            #expect(failing == .exited(7))
            // An interactive login on a pseudo-terminal (script(1)): a shell that reads what is typed.
            let (loginStatus, loginSaid) = try await typing("echo interactive-$((6 * 7))\nexit\n", into: ["ssh", "spawn-1-m0", "--workdir", workdir],
                                                           in: scratch.path)
            #expect(loginStatus == .exited(0), "\(loginSaid)")
            #expect(loginSaid.contains("interactive-42"), "\(loginSaid)")

            let (destroyed, destroySaid) = try await KilnInvocation.run(["destroy", "spawn-1-m0", "--workdir", workdir], in: scratch.path)
            #expect(destroyed == .exited(0), "\(destroySaid)")
            #expect(destroySaid.contains("kiln: stopped spawn-1"), "\(destroySaid)")
            #expect(HostProcesses.qemu(scratch.path).isEmpty, "QEMU left running after kiln destroy")
            #expect(!FileManager.default.fileExists(atPath: session), "the session's files outlived it")
            #expect(scratch.files(containing: ".overlay").isEmpty)
            #expect(!record.owner.isRunning, "the background kiln still runs")
            let (gone, goneSaid) = try await KilnInvocation.run(["ssh", "spawn-1-m0", "--workdir", workdir, "--", "true"], in: scratch.path)
            #expect(gone == .exited(2), "\(goneSaid)")
        }
    }
}
