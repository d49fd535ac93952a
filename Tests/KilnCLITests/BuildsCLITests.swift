import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

/// `kiln builds` and `kiln rollout` as a user runs them, on a tiny fake build in a temporary
/// work directory (a few bytes stand in for the qcow2).
struct BuildsCLITests {
    static let version = "44.20260707.3.1"
    static let image = "kiln-reference-44.20260707.3.1-qemu.x86_64.qcow2"
    static let content = "fake qcow2 image bytes\n"
    /// sha256 of `content`.
    static let sha256 = "2090339ddbf25f562303bda54ad0c6dd5d0dc21dc4216328810e0a882921fa53"

    let root = NSTemporaryDirectory() + "kiln-cli-builds-\(UUID().uuidString)"
    var workdir: String { "\(root)/work" }

    func kiln(_ arguments: [String]) async throws -> (status: ProcessExitStatus, stdout: String, stderr: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable, arguments + ["--workdir", workdir])
        return (result.status, result.stdout, result.stderr)
    }

    /// A build directory `<root>/<name>/<version>/x86_64` whose meta.json records `sha256`.
    func makeBuild(_ name: String, sha256: String = BuildsCLITests.sha256) throws -> String {
        let directory = "\(root)/\(name)/\(Self.version)"
        try FileManager.default.createDirectory(atPath: "\(directory)/x86_64", withIntermediateDirectories: true)
        try Self.content.write(toFile: "\(directory)/x86_64/\(Self.image)", atomically: true, encoding: .utf8)
        let meta = """
            {"buildid": "\(Self.version)", "name": "kiln-reference", "coreos-assembler.basearch": "x86_64",
             "images": {"qemu": {"path": "\(Self.image)", "sha256": "\(sha256)", "size": 23}},
             "fedora-coreos.parent-version": "44.20260621.3.1"}
            """
        try meta.write(toFile: "\(directory)/x86_64/meta.json", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func importListAndShow() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let empty = try await kiln(["builds", "list"])
        #expect(empty.status == .exited(0))
        #expect(empty.stdout == "no builds in \(workdir)/builds (make one with harness/build-image, or kiln builds import DIR)\n")

        let imported = try await kiln(["builds", "import", try makeBuild("source")])
        #expect(imported.status == .exited(0), "\(imported.stderr)")
        #expect(imported.stdout == "imported \(Self.version) (x86_64) into \(workdir)/builds\n")
        let again = try await kiln(["builds", "import", try makeBuild("again")])
        #expect(again.stdout == "\(Self.version) (x86_64) is already in \(workdir)/builds, identical\n")

        let list = try await kiln(["builds", "list"])
        #expect(list.stdout == """
            VERSION          ARCHES  NAME            PARENT           IMAGE
            \(Self.version)  x86_64  kiln-reference  44.20260621.3.1  \(Self.image)

            """)
        let show = try await kiln(["builds", "show", Self.version])
        #expect(show.status == .exited(0))
        let directory = "\(workdir)/builds/\(Self.version)/x86_64"
        #expect(show.stdout == """
            build      \(Self.version)
            name       kiln-reference
            arch       x86_64
            parent     44.20260621.3.1
            stream     -
            meta.json  \(directory)/meta.json
            image      \(directory)/\(Self.image)
            size       23 bytes (0.0 MiB)
            sha256     \(Self.sha256)
            check      ok: present, size and sha256 match meta.json

            """)
        try "changed\n".write(toFile: "\(directory)/\(Self.image)", atomically: true, encoding: .utf8)
        let damaged = try await kiln(["builds", "show", Self.version])
        #expect(damaged.status == .exited(1))
        #expect(damaged.stdout.contains("check      FAILED: the image is 8 bytes, meta.json says 23"))
    }

    @Test func aCorruptBuildIsRefusedWithExitStatus2AndNothingWritten() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = try makeBuild("corrupt", sha256: String(repeating: "0", count: 64))
        let result = try await kiln(["builds", "import", source])
        #expect(result.status == .exited(2))
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "kiln: error: \(source)/x86_64/meta.json: images.qemu.sha256: expected \(String(repeating: "0", count: 64)), but \(source)/x86_64/\(Self.image) has \(Self.sha256): refusing a corrupt or replaced image\n")
        #expect(!FileManager.default.fileExists(atPath: workdir))
        let missing = try await kiln(["builds", "show", "1.0"])
        #expect(missing.status == .exited(2))
        #expect(missing.stderr == "kiln: error: \(workdir)/builds/builds.json: builds: no build 1.0 in the store (kiln builds list shows them)\n")
    }

    /// A stream `stable` whose release is rolling out over 48 h from 2026-07-22T14:00:00Z.
    func publishRollingRelease() throws {
        let start = Date(timeIntervalSince1970: 1_784_728_800)
        let index = try ReleaseIndex(stream: "stable").adding(
            ReleaseIndex.Entry(version: Self.version, metadataURL: "https://example.org/release.json",
                               commits: [ReleaseIndex.Commit(architecture: "x86_64", checksum: Self.sha256)]), at: start)
        let updates = try UpdatesMetadata(stream: "stable")
            .settingRollout(Rollout(start: start, durationMinutes: 2880), version: Self.version, at: start)
        for (path, text) in [("prod/streams/stable/releases.json", index.text), ("updates/stable.json", updates.text)] {
            let file = "\(workdir)/\(path)"
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
    }

    @Test func rolloutsAreHaltedResumedAndMarked() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try publishRollingRelease()
        let target = ["--stream", "stable", "--version", Self.version]
        let halted = try await kiln(["rollout", "halt"] + target + ["--at", "2026-07-23T02:00:00Z"])
        #expect(halted.status == .exited(0), "\(halted.stderr)")
        #expect(halted.stdout == "halted the rollout of \(Self.version) in stable at 25.0% of clients; 2160 minutes remain (kiln rollout resume)\n")
        let again = try await kiln(["rollout", "halt"] + target + ["--at", "2026-07-23T03:00:00Z"])
        #expect(again.status == .exited(2))
        #expect(again.stderr == "kiln: error: \(workdir)/updates/stable.json: releases[0].metadata.rollout: the rollout is already halted at 25% (it has no duration_minutes)\n")
        let resumed = try await kiln(["rollout", "resume"] + target + ["--at", "2026-07-23T06:40:00Z"])
        #expect(resumed.stdout == "resumed the rollout of \(Self.version) in stable from 25.0% over 2160 minutes, to all clients at 2026-07-24T18:40:00Z\n")
        let barrier = try await kiln(["rollout", "barrier"] + target + ["--reason", "https://example.org/issues/7"])
        #expect(barrier.stdout == "marked \(Self.version) a barrier of stable: https://example.org/issues/7\n")
        let badReason = try await kiln(["rollout", "deadend"] + target + ["--reason", "broken"])
        #expect(badReason.status == .exited(2))
        #expect(badReason.stderr == "kiln: error: reason: expected the URL of an issue or page (https://...) that explains the deadend, found \"broken\"\n")
        let updates = try UpdatesMetadata(json: Array(try Data(contentsOf: URL(fileURLWithPath: "\(workdir)/updates/stable.json"))),
                                          source: "updates/stable.json")
        #expect(updates.entry(Self.version)?.barrier?.reason == "https://example.org/issues/7")
        #expect(updates.entry(Self.version)?.deadend == nil)
        #expect(updates.entry(Self.version)?.rollout?.durationMinutes == 2160)
        let badDate = try await kiln(["rollout", "halt"] + target + ["--at", "tomorrow"])
        #expect(badDate.status == .exited(64))
    }
}
