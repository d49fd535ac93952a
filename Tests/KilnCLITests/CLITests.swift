import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

/// The `kiln` executable as a user runs it, for the commands that need no machine.
struct CLITests {
    /// Runs the built `kiln` with `arguments`; returns its status and standard output + error.
    func kiln(_ arguments: [String]) async throws -> (status: ProcessExitStatus, stdout: String, stderr: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable, arguments)
        return (result.status, result.stdout, result.stderr)
    }

    @Test func listMatchesGolden() async throws {
        let (status, stdout, _) = try await kiln(["list"])
        #expect(status == .exited(0))
        #expect(Fixtures.compareGolden(stdout, "cli/list.txt") == nil)
    }

    @Test func listJSONCarriesEveryField() async throws {
        let (status, stdout, _) = try await kiln(["list", "--json"])
        #expect(status == .exited(0))
        let tests = try JSONDecoder().decode([TestMetadata].self, from: Data(stdout.utf8))
        #expect(tests.count >= 15)
        #expect(tests.allSatisfy { $0.timeout > .zero && !$0.description.isEmpty })
        #expect(tests.first { $0.name == "cluster.private-network" }?.clusterSize == 2)
        // Every field is printed, defaults included.
        for field in ["\"constraints\"", "\"flags\"", "\"machine\"", "\"exclusive\"", "\"memoryMiB\"", "\"suppressedChecks\""] {
            #expect(stdout.contains(field), "kiln list --json lacks \(field)")
        }
    }

    @Test func aPatternMatchingNothingIsAUsageError() async throws {
        let (status, _, stderr) = try await kiln(["run", "nosuch.*", "--build", "/nonexistent"])
        #expect(status == .exited(2))
        #expect(stderr.contains("pattern 'nosuch.*' matches no registered test"))
    }

    @Test func configValidateGivesIgnitionsVerdicts() async throws {
        let bad = Fixtures.path("ignition/relative-path.ign")
        let (badStatus, badOut, _) = try await kiln(["config", "validate", bad])
        #expect(badStatus == .exited(1))
        #expect(badOut == "\(bad): error at $.storage.files.0.path, line 3 col 34: path not absolute\n")

        let warned = Fixtures.path("ignition/corpus/valid/newer-kernel-arguments-3.2.0.ign")
        let (strictStatus, _, _) = try await kiln(["config", "validate", warned])
        #expect(strictStatus == .exited(1))
        let (allowedStatus, allowedOut, _) = try await kiln(["config", "validate", "--allow-warnings", warned])
        #expect(allowedStatus == .exited(0))
        #expect(allowedOut.hasSuffix("\(warned): ok (with warnings)\n"))

        let clean = Fixtures.path("ignition/file-exists.ign")
        let (cleanStatus, cleanOut, _) = try await kiln(["config", "validate", clean])
        #expect(cleanStatus == .exited(0))
        #expect(cleanOut == "\(clean): ok\n")
    }

    @Test func configTranslateWritesTheGoldenBytes() async throws {
        let output = NSTemporaryDirectory() + "kiln-cli-\(UUID().uuidString).ign"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let (status, _, stderr) = try await kiln(["config", "translate", Fixtures.path("butane/full.bu"), "--pretty",
                                                  "--files-dir", Fixtures.path("butane/files"), "-o", output])
        #expect(status == .exited(0), "\(stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == (try Fixtures.text("butane/full.ign")))
    }

    @Test func configTranslateRefusesWhatTheTargetSpecLacks() async throws {
        let file = Fixtures.path("butane/luks-tang-1.5.bu")
        let (status, stdout, stderr) = try await kiln(["config", "translate", file, "--target-version", "3.3.0"])
        #expect(status == .exited(1))
        #expect(stdout.isEmpty)
        #expect(stderr == "kiln: \(file):9:16 ($.storage.luks.0.discard): cannot convert to spec 3.3.0: this field was introduced in spec 3.4.0\n")
        let (badTarget, _, usage) = try await kiln(["config", "translate", file, "--target-version", "2.2.0"])
        #expect(badTarget == .exited(64))
        #expect(usage.contains("--target-version must be one of"))
    }

    @Test func configTranslateAndValidateRefuseAFilesDirThatIsNotOne() async throws {
        let (status, _, stderr) = try await kiln(["config", "validate", "--files-dir", "/nonexistent", Fixtures.path("butane/full.bu")])
        #expect(status == .exited(2))
        #expect(stderr.contains("/nonexistent: not a directory (--files-dir)"))
    }

    @Test func listShowsExternalTestsAndRefusesAMalformedHeader() async throws {
        let (status, stdout, stderr) = try await kiln(["list", "-E", "config=" + Fixtures.path("external/fcos-config")])
        #expect(status == .exited(0))
        #expect(stdout.contains("ext.config.reboot         1         4096M   900s     platform-independent,reprovision,external  Reboot twice and check state survives."))
        #expect(stderr.contains("helper-notes starts with #! but is not executable"))
        let bad = Fixtures.path("external/bad")
        let (badStatus, _, badErr) = try await kiln(["list", "-E", bad])
        #expect(badStatus == .exited(2))
        #expect(badErr == "kiln: error: \(bad)/typo:5:6 (timeoutMinutes): unknown key timeoutMinutes\n")
    }
}
