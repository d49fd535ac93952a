import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

/// `kiln rerun` and `kiln replay` refusing what they cannot repeat before anything boots: exit
/// status 2, the file at fault and why, no output directory, no unpacked bundle left.
struct RerunReplayCLITests {
    let root = NSTemporaryDirectory() + "kiln-cli-rerun-\(UUID().uuidString)"
    static let bytes = "fake bytes\n"
    /// sha256 of `bytes`.
    static let sha256 = "084c9057c542ebbe1a1b0a050d59f6d369f010bbf4d9291defe0aef35a7cb45f"
    var output: String { "\(root)/out" }

    /// A fake build `12.1` in `<root>/work/builds`, as the store lays it out.
    func makeBuild() throws -> String {
        let directory = "\(root)/work/builds/12.1/x86_64"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.bytes.write(toFile: "\(directory)/image.qcow2", atomically: true, encoding: .utf8)
        try """
            {"buildid": "12.1", "name": "kiln-reference", "coreos-assembler.basearch": "x86_64",
             "images": {"qemu": {"path": "image.qcow2", "sha256": "\(Self.sha256)", "size": 11}}}
            """.write(toFile: "\(directory)/meta.json", atomically: true, encoding: .utf8)
        try #"{"schema-version": "1.0.0", "builds": [{"id": "12.1", "arches": ["x86_64"]}], "timestamp": "2026-12-01T00:00:00Z"}"#
            .write(toFile: "\(root)/work/builds/builds.json", atomically: true, encoding: .utf8)
        return "\(directory)/meta.json"
    }

    /// A report of a run of `build` with `tests`, started with `invocation`.
    func writeReport(_ tests: [TestReport], imageSHA256: String, invocation: RunInvocation?, in directory: String) throws {
        var report = RunReport(platform: "qemu", version: "0.1.0",
                               build: BuildReference(id: "12.1", name: "kiln-reference", architecture: "x86_64", imageSHA256: imageSHA256),
                               accelerator: "tcg", startedAt: "2026-12-01T00:00:00Z", durationSeconds: 1, tests: tests)
        report.invocation = invocation
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: "\(directory)/report.json"))
    }

    /// A bundle of a failed `basic.ssh` run on build 12.1 with `imageSHA256`.
    func writeBundle(imageSHA256: String, at path: String, directKernelBootArguments: [String]? = nil) async throws {
        let staging = "\(root)/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var manifest = ReplayManifest(
            test: TestMetadata(name: "basic.ssh", description: "ssh"), testSource: "BasicSSH.swift:1",
            build: BuildReference(id: "12.1", name: "kiln-reference", architecture: "x86_64", imageSHA256: imageSHA256),
            kilnVersion: "0.1.0", platform: "qemu", accelerator: "tcg", stream: nil, memoryOverrideMiB: nil,
            consoleChecksWarnOnly: false, appendedConfigs: [], attempt: 1, result: .fail, error: "x", runOrder: ["basic.ssh"],
            parallel: 1, ranBeside: [], invocation: nil, machines: [])
        manifest.directKernelBootArguments = directKernelBootArguments
        try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: "\(staging)/replay.json"))
        let tar = try await runHostCommand("tar", ["-cf", path, "-C", staging, "."])
        #expect(tar.status == .exited(0))
    }

    func kiln(_ arguments: [String]) async throws -> (status: ProcessExitStatus, stderr: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable, arguments)
        return (result.status, result.stderr)
    }

    func expectRefused(_ arguments: [String], saying message: String) async throws {
        let (status, stderr) = try await kiln(arguments)
        #expect(status == .exited(2), "\(arguments): \(stderr)")
        #expect(stderr.contains(message), "\(arguments): expected \(message), got \(stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "\(arguments) created its output directory")
    }

    @Test func rerunRefusesRunsItCannotRepeat() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let meta = try makeBuild()
        let failed = TestReport(name: "basic.ssh", result: .fail, duration: .seconds(1), error: "x", output: "", machines: [])
        let passed = TestReport(name: "basic.sudo", result: .pass, duration: .seconds(1), error: nil, output: "", machines: [])
        let invocation = RunInvocation(command: "run", arguments: ["--build", meta, "--workdir", "\(root)/work"], workingDirectory: root)
        try writeReport([failed], imageSHA256: Self.sha256, invocation: nil, in: "\(root)/old")
        try writeReport([passed], imageSHA256: Self.sha256, invocation: invocation, in: "\(root)/green")
        try writeReport([failed], imageSHA256: String(repeating: "1", count: 64), invocation: invocation, in: "\(root)/other-image")
        try writeReport([failed], imageSHA256: Self.sha256,
                        invocation: RunInvocation(command: "run", arguments: [], workingDirectory: "\(root)/gone"), in: "\(root)/moved")
        let cases: [(String, String)] = [
            ("\(root)/nothing", "\(root)/nothing: cannot read the file"),
            ("\(root)/old", "does not record how its run was started"),
            ("\(root)/green/report.json", "has no failed or timed-out test"),
            ("\(root)/other-image", "\(meta): build 12.1 has image sha256 \(Self.sha256), not 1111"),
            ("\(root)/moved", "its run was started in \(root)/gone, which does not exist here"),
        ]
        for (report, message) in cases {
            try await expectRefused(["rerun", report, "--output-dir", output], saying: message)
        }
    }

    @Test func replayRefusesBundlesThisMachineCannotRun() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let meta = try makeBuild()
        try await writeBundle(imageSHA256: String(repeating: "2", count: 64), at: "\(root)/other.tar")
        try "not a tar".write(toFile: "\(root)/junk.tar", atomically: true, encoding: .utf8)
        let work = ["--workdir", "\(root)/work", "--output-dir", output]
        try await expectRefused(["replay", "\(root)/none.tar"] + work, saying: "\(root)/none.tar: no such file")
        try await expectRefused(["replay", "\(root)/junk.tar"] + work, saying: "\(root)/junk.tar: not a replay bundle")
        try await expectRefused(["replay", "\(root)/other.tar"] + work, saying: "\(meta): build 12.1 has image sha256 \(Self.sha256), not 2222")
        try await expectRefused(["replay", "\(root)/other.tar", "--workdir", "\(root)/empty", "--output-dir", output],
                                saying: "this machine has no build 12.1 (x86_64): looked for \(root)/empty/builds/12.1/x86_64/meta.json")
    }

    /// A bundle of a run with --direct-kernel-boot replays with it (and its --kargs): this fake
    /// build has no kernel, so the replay is refused for that, before anything boots.
    @Test func replayBootsDirectlyWhenTheRunDid() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let meta = try makeBuild()
        try await writeBundle(imageSHA256: Self.sha256, at: "\(root)/direct.tar", directKernelBootArguments: ["kiln.test=1"])
        try await expectRefused(["replay", "\(root)/direct.tar", "--workdir", "\(root)/work", "--output-dir", output],
                                saying: "\(meta): no \"images.kernel\": direct kernel boot needs the build's kernel and initramfs")
    }
}
