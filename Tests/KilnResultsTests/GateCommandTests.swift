import Foundation
import KilnCore
import KilnPlatform
import KilnResults
import KilnTesting
import Testing

/// `kiln gate`, `kiln waive` and `kiln promote` as a release engineer runs them, on a results
/// database seeded through the recording API and a tiny fake build in the store (a few bytes
/// stand in for the qcow2): exit statuses, what is recorded, what is written.
struct GateCommandTests {
    static let version = "44.20260707.3.1"
    static let image = "kiln-reference-44.20260707.3.1-qemu.x86_64.qcow2"
    static let content = "fake qcow2 image bytes\n"
    /// sha256 of `content`.
    static let sha256 = "2090339ddbf25f562303bda54ad0c6dd5d0dc21dc4216328810e0a882921fa53"
    static let policy = """
        streams:
          testing:
            from: [none]
            required:
              - tests: "basic.ss[h]"
              - tests: basic.sudo

        """
    static let lenientPolicy = "streams:\n  testing:\n    from: [none]\n    required:\n      - tests: basic.ssh\n"

    let root = NSTemporaryDirectory() + "kiln-cli-gate-\(UUID().uuidString)"
    var workdir: String { "\(root)/work" }

    func kiln(_ arguments: [String]) async throws -> (status: ProcessExitStatus, output: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable, arguments + ["--workdir", workdir])
        return (result.status, result.stdout + result.stderr)
    }

    /// The fake build imported into the store, and a run on it an hour ago: basic.ssh passed,
    /// basic.sudo failed.
    func seed() async throws -> ResultsDatabase {
        let source = "\(root)/source/\(Self.version)/x86_64"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try Self.content.write(toFile: "\(source)/\(Self.image)", atomically: true, encoding: .utf8)
        try """
            {"buildid": "\(Self.version)", "name": "kiln-reference", "coreos-assembler.basearch": "x86_64",
             "images": {"qemu": {"path": "\(Self.image)", "sha256": "\(Self.sha256)", "size": 23}}}
            """.write(toFile: "\(source)/meta.json", atomically: true, encoding: .utf8)
        let imported = try await kiln(["builds", "import", "\(root)/source/\(Self.version)"])
        try #require(imported.status == .exited(0), "\(imported.output)")
        try Self.policy.write(toFile: "\(workdir)/gate-policy.yaml", atomically: true, encoding: .utf8)
        try Self.lenientPolicy.write(toFile: "\(root)/lenient.yaml", atomically: true, encoding: .utf8)

        let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir))
        let hourAgo = Date().addingTimeInterval(-3600)
        let runID = try database.beginRun(runStart(Self.version, at: hourAgo))
        try database.record(test: report("basic.ssh", .pass), runID: runID, finishedAt: hourAgo.addingTimeInterval(60))
        try database.record(test: report("basic.sudo", .fail, error: "sudo: a password is required"), runID: runID,
                            finishedAt: hourAgo.addingTimeInterval(61))
        try database.finishRun(runID, result: .fail, endedAt: hourAgo.addingTimeInterval(62))
        return database
    }

    func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func aFailureBlocksUntilWaivedAndPromoteHasNoWayAroundTheGate() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let database = try await seed()
        let build = ["--build", Self.version, "--to", "testing"]

        let blocked = try await kiln(["gate"] + build)
        #expect(blocked.status == .exited(1), "\(blocked.output)")
        #expect(blocked.output.contains("BLOCKED, 1 of 3 requirements unsatisfied"), "\(blocked.output)")
        #expect(matches(blocked.output, #"BLOCKED +failed +test-result basic\.sudo on x86_64/qemu: FAIL in run 1 at \S+: "sudo: a password is required""#),
                "\(blocked.output)")
        #expect(try database.decisions(build: Self.version).count == 1)

        // A changed policy, tried against history: promotable, and nothing recorded.
        let tried = try await kiln(["gate", "--policy", "\(root)/lenient.yaml", "--dry-run"] + build)
        #expect(tried.status == .exited(0) && tried.output.contains("PROMOTABLE"), "\(tried.output)")
        #expect(try database.decisions(build: Self.version).count == 1)

        // promote decides with the work directory's policy, as of now: neither can be swapped.
        for option in [["--policy", "\(root)/lenient.yaml"], ["--at", "2030-01-01"]] {
            let refused = try await kiln(["promote"] + build + option)
            #expect(refused.status == .exited(64) && refused.output.contains("Unknown option '\(option[0])'"), "\(refused.output)")
        }
        let denied = try await kiln(["promote"] + build)
        #expect(denied.status == .exited(1), "\(denied.output)")
        #expect(denied.output.contains("kiln promote: \(Self.version) does not enter testing: the gate blocks it; nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: "\(workdir)/streams"))
        #expect(!FileManager.default.fileExists(atPath: "\(workdir)/prod"))

        // Bad waivers are refused and record nothing.
        for (option, message) in [(["--reason", "see chat"], "--reason: expected the URL"),
                                  (["--expires", "2020-01-01"], "--expires: the date is already past")] {
            var arguments = ["waive", "--test", "basic.sudo", "--by", "release-team", "--reason", "https://example.com/issues/7",
                             "--expires", "2099-01-01"]
            arguments[arguments.firstIndex(of: option[0])! + 1] = option[1]  // swiftlint:disable:this force_unwrapping
            let refused = try await kiln(arguments)
            #expect(refused.status == .exited(2) && refused.output.contains(message), "\(refused.output)")
        }
        #expect(try database.waivers(at: Date()).isEmpty)

        // A waiver until tomorrow lets the build through; the gate names it.
        let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86400))
        let waived = try await kiln(["waive", "--test", "basic.su*", "--through-build", Self.version, "--reason",
                                     "https://example.com/issues/7", "--expires", tomorrow, "--by", "release-team"])
        #expect(waived.status == .exited(0), "\(waived.output)")
        #expect(waived.output.hasPrefix("waiver 1: basic.su* through \(Self.version) until "), "\(waived.output)")
        let passing = try await kiln(["gate"] + build)
        #expect(passing.status == .exited(0), "\(passing.output)")
        #expect(matches(passing.output, #"ok +waived \(failed\) +test-result basic\.sudo on x86_64/qemu: .*waiver 1 by release-team"#), "\(passing.output)")

        // After it expires (decided with --at), the gate blocks again and says why.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 86400))
        let expired = try await kiln(["gate", "--at", later, "--dry-run"] + build)
        #expect(expired.status == .exited(1) && expired.output.contains("waiver 1 expired on"), "\(expired.output)")

        let promoted = try await kiln(["promote"] + build)
        #expect(promoted.status == .exited(0), "\(promoted.output)")
        #expect(promoted.output.hasSuffix("kiln promote: \(Self.version) entered testing\n"), "\(promoted.output)")
        for file in ["prod/streams/testing/builds/\(Self.version)/release.json", "prod/streams/testing/releases.json",
                     "streams/testing.json", "updates/testing.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(workdir)/\(file)"), "\(file) was not written")
        }
        #expect(try database.entries(build: Self.version, at: Date()).map(\.stream) == ["testing"])
    }

    @Test func aMissingPolicyOrDatabaseIsBadInput() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let noPolicy = try await kiln(["gate", "--build", Self.version, "--to", "testing"])
        #expect(noPolicy.status == .exited(2) && noPolicy.output.contains("\(workdir)/gate-policy.yaml: no gate policy there"),
                "\(noPolicy.output)")
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        try Self.policy.write(toFile: "\(workdir)/gate-policy.yaml", atomically: true, encoding: .utf8)
        let noDatabase = try await kiln(["promote", "--build", Self.version, "--to", "testing"])
        #expect(noDatabase.status == .exited(2) && noDatabase.output.contains("no results database"), "\(noDatabase.output)")
        #expect(FakeListing.names(workdir) == ["gate-policy.yaml"])
    }
}

/// The names in a directory, sorted; empty when it does not exist.
enum FakeListing {
    static func names(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}
