import Foundation
import KilnTesting
import Testing

@testable import KilnCore

/// A build's release.json, the release index and the stream metadata generated from them,
/// against golden files under fixtures/streams/generated (regenerate with KILN_UPDATE_GOLDEN=1).
struct StreamReleaseTests {
    typealias Samples = StreamSamples

    func golden(_ text: String, _ name: String) {
        let mismatch = Fixtures.compareGolden(text, "streams/generated/\(name)")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    /// The index of stable after publishing two releases, a day apart.
    func index() throws -> ReleaseIndex {
        let first = try Samples.release(try Samples.build("44.20260621.3.1", sha256: String(repeating: "01", count: 32)))
        let second = try Samples.release(try Samples.build("44.20260707.3.1"))
        return try ReleaseIndex(stream: "stable")
            .adding(first.indexEntry(metadataURL: "\(Samples.baseURL)prod/streams/stable/builds/44.20260621.3.1/release.json"), at: Samples.start)
            .adding(second.indexEntry(metadataURL: "\(Samples.baseURL)prod/streams/stable/builds/44.20260707.3.1/release.json"),
                    at: Samples.minutes(24 * 60))
    }

    @Test func aBuildsReleasePointsAtItsQcow2InTheWorkDirectory() throws {
        let release = try Samples.release(try Samples.build("44.20260707.3.1"))
        let arch = try #require(release.architectures["x86_64"])
        let disk = try #require(arch.media.qemu?.artifacts["qcow2"]?.disk)
        #expect(disk.location == "https://builds.example.org/kiln/builds/44.20260707.3.1/x86_64/kiln-reference-44.20260707.3.1-qemu.x86_64.qcow2")
        #expect(disk.sha256 == String(repeating: "ab", count: 32))
        #expect(disk.signature == nil && disk.uncompressedSHA256 == nil)
        // Without an OSTree commit, the image's sha256 stands for the commit.
        #expect(arch.commit == disk.sha256)
        golden(release.text, "release.json")
    }

    @Test func anOSTreeCommitIsTheReleasesCommit() throws {
        let release = try Samples.release(try Samples.build("44.20260707.3.1", ostreeCommit: "c0ffee"))
        #expect(release.architectures["x86_64"]?.commit == "c0ffee")
        #expect(release.indexEntry(metadataURL: "u").commits == [ReleaseIndex.Commit(architecture: "x86_64", checksum: "c0ffee")])
    }

    @Test func formatsAreNamedFromTheFileName() {
        #expect(ReleaseMetadata.formatName(of: "a/fedora-coreos-44-qemu.x86_64.qcow2.xz") == "qcow2.xz")
        #expect(ReleaseMetadata.formatName(of: "kiln-reference-1-qemu.x86_64.qcow2") == "qcow2")
        #expect(ReleaseMetadata.formatName(of: "disk.img") == "qcow2")
    }

    @Test func theIndexListsReleasesOldestToNewest() throws {
        let index = try index()
        #expect(index.releases.map(\.version) == ["44.20260621.3.1", "44.20260707.3.1"])
        #expect(index.lastModified == "2026-07-23T14:00:00Z")
        #expect(index.note == ReleaseIndex.defaultNote)
        golden(index.text, "releases.json")
    }

    @Test func anOlderReleaseIsRefused() throws {
        let older = try Samples.release(try Samples.build("44.20260614.3.0")).indexEntry(metadataURL: "u")
        let index = try index()
        #expect(throws: StreamFileError(path: "releases", message: "release 44.20260614.3.0 is older than the newest release 44.20260707.3.1; releases are listed oldest to newest and clients never update to an older one")) {
            try index.adding(older, at: Samples.start)
        }
    }

    @Test func publishingAgainAddsArchitecturesAndRefusesAnotherChecksum() throws {
        let index = try index()
        let aarch64 = try Samples.release(try Samples.build("44.20260707.3.1", arch: "aarch64", sha256: String(repeating: "cd", count: 32)))
        let added = try index.adding(aarch64.indexEntry(metadataURL: index.releases[1].metadataURL), at: Samples.start)
        #expect(added.releases.count == 2)
        #expect(added.releases[1].commits.map(\.architecture) == ["x86_64", "aarch64"])
        // The same again changes nothing but the time.
        #expect(try added.adding(aarch64.indexEntry(metadataURL: index.releases[1].metadataURL), at: Samples.start) == added)
        let replaced = try Samples.release(try Samples.build("44.20260707.3.1", sha256: String(repeating: "ef", count: 32)))
        #expect(throws: StreamFileError.self) { try index.adding(replaced.indexEntry(metadataURL: "u"), at: Samples.start) }
    }

    @Test func aReleaseOfAnotherArchitectureMergesIntoTheReleaseJSON() throws {
        let x86 = try Samples.release(try Samples.build("44.20260707.3.1"))
        let arm = try Samples.release(try Samples.build("44.20260707.3.1", arch: "aarch64"), at: Samples.minutes(5))
        let merged = x86.merging(arm)
        #expect(merged.architectures.keys.sorted() == ["aarch64", "x86_64"])
        #expect(merged.lastModified == "2026-07-22T14:05:00Z")
        #expect(merged.text.range(of: "\"aarch64\"")!.lowerBound < merged.text.range(of: "\"x86_64\"")!.lowerBound)
    }

    @Test func theStreamMetadataIsGeneratedFromTheNewestRelease() throws {
        let release = try Samples.release(try Samples.build("44.20260707.3.1"))
        let stream = StreamMetadata(stream: "stable", newest: release, generator: "kiln v0.1.0", at: Samples.minutes(60))
        let qemu = try #require(stream.architectures["x86_64"]?.artifacts.qemu)
        #expect(qemu.release == "44.20260707.3.1")
        #expect(qemu.formats == release.architectures["x86_64"]?.media.qemu?.artifacts)
        #expect(stream.lastModified == "2026-07-22T15:00:00Z")
        golden(stream.text, "stream.json")
    }
}
