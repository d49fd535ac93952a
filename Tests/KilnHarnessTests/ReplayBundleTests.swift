import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

@testable import KilnHarness

/// `replay.tar`, written from a run directory as a failed test leaves it and read back; bad
/// bundles are refused with what is wrong and leave nothing behind.
@Suite(.serialized)
struct ReplayBundleTests {
    /// A run directory with a failed external test's files, as a run leaves them.
    struct FailedRun {
        let directory: String
        let report: TestReport
        let external: ExternalTest

        init() throws {
            var template = Array("/tmp/kiln-replay-test-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed") }
            directory = String(cString: made)
            let found = try ExternalTestDiscovery("config=\(Fixtures.repositoryRoot)/tests-external")
            external = try #require(found.tests.first { $0.name == "ext.config.journal" })
            let machine = "\(directory)/\(external.name)/m0"
            try FileManager.default.createDirectory(atPath: machine, withIntermediateDirectories: true)
            for (file, text) in [("config.ign", #"{"ignition":{"version":"3.3.0"}}"#), ("console.txt", "Linux version 6.1\nlogin:\n"),
                                 ("qemu-argv.txt", "qemu-system-x86_64 -m 1024\n"), ("journal.txt", "sshd started\n")] {
                try text.write(toFile: "\(machine)/\(file)", atomically: true, encoding: .utf8)
            }
            try "=== RUN\nfailed\n".write(toFile: "\(directory)/\(external.name)/test.log", atomically: true, encoding: .utf8)
            report = TestReport(name: external.name, result: .fail, duration: .seconds(3), error: "exit status 1", output: "",
                                machines: [MachineReport(id: "\(external.name)-m0", directory: "\(external.name)/m0", sshReadySeconds: 40,
                                                         bootPhases: [])])
        }

        var manifest: ReplayManifest {
            ReplayManifest(
                test: external.testMetadata, testSource: external.script,
                build: BuildReference(id: "12.1", name: "kiln-reference", architecture: "x86_64", imageSHA256: "ab12"),
                kilnVersion: "0.1.0", platform: "qemu", accelerator: "tcg", stream: "testing", memoryOverrideMiB: 2048,
                consoleChecksWarnOnly: false, appendedConfigs: [.init(file: "appended/0.ign", source: "base.bu")], attempt: 1,
                result: .fail, error: "exit status 1", runOrder: ["basic.ssh", external.name], parallel: 2, ranBeside: ["basic.ssh"],
                invocation: nil, machines: [])
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func aBundleHoldsWhatAReplayNeedsAndReadsBack() async throws {
        let run = try FailedRun()
        defer { run.remove() }
        let appended = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"dev"}]}}"#, source: "base.bu")
        let registered = try external(run)
        let path = try await ReplayBundle.write(manifest: run.manifest, report: run.report, source: .init(test: registered, external: run.external),
                                                appended: [appended], runDirectory: run.directory)
        #expect(path == "\(run.directory)/\(run.external.name)/replay.tar")
        #expect(!FileManager.default.fileExists(atPath: "\(path).partial"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(run.directory)/\(run.external.name)").sorted() == ["m0", "replay.tar", "test.log"],
                "the staging directory was left")
        let unpacked = try await ReplayBundleReader.unpack(path)
        defer { unpacked.remove() }
        var expected = run.manifest
        expected.machines = [.init(id: "\(run.external.name)-m0", directory: "machines/m0",
                                   files: ["config.ign", "qemu-argv.txt", "console.txt", "journal.txt"], host: nil)]
        #expect(unpacked.manifest == expected)
        let root = unpacked.directory
        #expect(try String(contentsOfFile: "\(root)/machines/m0/console.txt", encoding: .utf8).contains("login:"))
        #expect(try String(contentsOfFile: "\(root)/appended/0.ign", encoding: .utf8).contains("\"dev\""))
        #expect(FileManager.default.isExecutableFile(atPath: "\(root)/external/config/journal/test.sh"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/external/config/data/commonlib.sh"))
        // The unpacked project registers the same test again.
        let again = try ExternalTestDiscovery("config=\(root)/external/config")
        #expect(again.tests.contains { $0.name == run.external.name })
        unpacked.remove()
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test func badBundlesAreRefusedWithTheReasonAndNothingIsLeft() async throws {
        let run = try FailedRun()
        defer { run.remove() }
        let notTar = "\(run.directory)/not.tar"
        try "hello".write(toFile: notTar, atomically: true, encoding: .utf8)
        let empty = "\(run.directory)/empty"
        try FileManager.default.createDirectory(atPath: "\(empty)/x", withIntermediateDirectories: true)
        let noManifest = "\(run.directory)/no-manifest.tar"
        let tar = try await runHostCommand("tar", ["-cf", noManifest, "-C", empty, "."])
        #expect(tar.status == .exited(0))
        // Unpacked into a directory of the test's own, which other tests' replays never touch.
        let parent = "\(run.directory)/unpacking"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        for (path, message) in [(notTar, "tar cannot read it"), (noManifest, "it has no replay.json"), ("\(run.directory)/missing.tar", "no such file")] {
            await #expect(throws: ReplayError.self) { try await ReplayBundleReader.unpack(path, in: parent) }
            do {
                _ = try await ReplayBundleReader.unpack(path, in: parent)
            } catch {
                #expect("\(error)".contains(path) && "\(error)".contains(message), "\(error)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty, "an unpacking directory was left")
    }

    @Test func testsThatOverlappedInTimeRanBeside() {
        func test(_ name: String, _ start: Double, _ end: Double) -> TestReport {
            var report = TestReport(name: name, result: .pass, duration: .seconds(end - start), error: nil, output: "", machines: [])
            report.timeline = TestTimeline(queuedAt: 0, startedAt: start, endedAt: end, memoryMiB: 1024, cpus: 1)
            return report
        }
        let tests = [test("a", 0, 10), test("b", 5, 20), test("c", 10, 30), test("d", 21, 25)]
        #expect(ReplayBundle.ranBeside(tests[1], in: tests) == ["a", "c"])
        #expect(ReplayBundle.ranBeside(tests[0], in: tests) == ["b"])
    }

    private func external(_ run: FailedRun) throws -> RegisteredTest {
        try run.external.registeredTest()
    }
}
