import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

/// `kiln spawn`, `kiln ssh`, `kiln destroy` and `kiln run --keep-failed` refusing bad input:
/// exit status 2, a message naming what is wrong, nothing created (no registry, no session).
struct SpawnCLITests {
    /// Runs the built `kiln` with `arguments` and a work directory of its own.
    func kiln(_ arguments: [String], workdir: String) async throws -> (status: ProcessExitStatus, stderr: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable, arguments + ["--workdir", workdir])
        return (result.status, result.stdout + result.stderr)
    }

    func withWorkdir(_ body: (String) async throws -> Void) async throws {
        let workdir = NSTemporaryDirectory() + "kiln-spawn-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: workdir) }
        try await body(workdir)
    }

    @Test func spawnRefusesBadInputAndCreatesNothing() async throws {
        try await withWorkdir { workdir in
            let cases: [([String], String)] = [
                (["--build", "/nonexistent/builds"], "/nonexistent/builds: no such file or directory"),
                (["--config", "/nonexistent/extra.bu"], "/nonexistent/extra.bu: cannot read the file (--config): no such file"),
                (["--config", Fixtures.path("butane/invalid/bad-unit-name.bu")],
                 "bad-unit-name.bu: this config is refused:\n  error at $.systemd.units.0.name, line 5 col 13: invalid systemd unit extension"),
                (["--config", Fixtures.path("ignition/not-json.ign")], "not-json.ign:3:44: not valid JSON"),
                (["-n", "0"], "-n/--count must be at least 1, got 0"),
                (["--memory", "100"], "--memory must be at least 256 (MiB), got 100"),
                (["--platform", "libvirt"], "kiln spawn boots machines under QEMU only"),
                (["--accel", "fast"], "--accel must be auto, kvm or tcg, got 'fast'"),
            ]
            for (arguments, expected) in cases {
                let (status, said) = try await kiln(["spawn"] + arguments, workdir: workdir)
                #expect(status == .exited(2), "kiln spawn \(arguments): \(said)")
                #expect(said.contains("kiln: error: ") && said.contains(expected), "kiln spawn \(arguments): \(said)")
            }
            #expect(!FileManager.default.fileExists(atPath: workdir), "a refused kiln spawn created its work directory")
        }
    }

    @Test(.enabled(if: ReferenceBuild.unavailableReason == nil))
    func kernelArgumentsAreRefusedForAGuestWhoseIgnitionCannotApplyThem() async throws {
        try await withWorkdir { workdir in
            let (status, said) = try await kiln(["spawn", "--build", ReferenceBuild.path, "--kargs", "quiet loglevel=3"], workdir: workdir)
            #expect(status == .exited(2))
            #expect(said.contains("--kargs: kiln-reference ") && said.contains("(without --direct-kernel-boot)")
                    && said.contains("this build's Ignition does not apply them"), "\(said)")
            let (runStatus, runSaid) = try await kiln(["run", "basic.ssh", "--build", ReferenceBuild.path, "--platform", "libvirt",
                                                       "--keep-failed", "--output-dir", "\(workdir)/run"], workdir: workdir)
            #expect(runStatus == .exited(2))
            #expect(runSaid.contains("--keep-failed works with --platform qemu only"), "\(runSaid)")
            #expect(!FileManager.default.fileExists(atPath: workdir))
        }
    }

    @Test func sshAndDestroyRefuseUnknownMachines() async throws {
        try await withWorkdir { workdir in
            let (sshStatus, sshSaid) = try await kiln(["ssh", "nosuch", "--", "true"], workdir: workdir)
            #expect(sshStatus == .exited(2))
            #expect(sshSaid == "kiln: error: no running machine named 'nosuch' (no machines are running)\n")
            let (destroyStatus, destroySaid) = try await kiln(["destroy", "nosuch"], workdir: workdir)
            #expect(destroyStatus == .exited(2))
            #expect(destroySaid == "kiln: error: no running machine named 'nosuch' (no machines are running)\n")
            let (bareStatus, bareSaid) = try await kiln(["destroy"], workdir: workdir)
            #expect(bareStatus == .exited(2))
            #expect(bareSaid.contains("name the machines or sessions to stop, or use --all"))
        }
    }

    @Test func destroyRemovesAStaleSession() async throws {
        try await withWorkdir { workdir in
            // A session whose owner is gone: this pid with a start time it never had.
            let directory = "\(workdir)/machines/spawn-7"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let record = """
                {"id":"spawn-7","kind":"spawn","owner":{"pid":\(getpid()),"startTime":1},"startedAt":"2026-01-01T00:00:00Z",
                 "ready":true,"machines":[{"name":"spawn-7-m0","sshConfig":"\(directory)/m0/ssh-config","host":"m0"}]}
                """
            try record.write(toFile: "\(directory)/session.json", atomically: true, encoding: .utf8)
            let (sshStatus, _) = try await kiln(["ssh", "spawn-7-m0"], workdir: workdir)
            #expect(sshStatus == .exited(2), "a stale session's machine is not offered")
            let (status, said) = try await kiln(["destroy", "spawn-7"], workdir: workdir)
            #expect(status == .exited(0), "\(said)")
            #expect(said.contains("kiln: removed spawn-7: its process (pid \(getpid()) (started at tick 1)) had already ended"), "\(said)")
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }
}
