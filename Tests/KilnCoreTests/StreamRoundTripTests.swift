import Foundation
import KilnTesting
import Testing

@testable import KilnCore

/// Fedora CoreOS's own files (fixtures/streams/fcos, written in the formats of the
/// fedora-coreos-tracker specifications and stream-metadata-go): each decodes, exposes what
/// Kiln models, and is written back byte for byte, unknown members included.
struct StreamRoundTripTests {
    func bytes(_ name: String) throws -> [UInt8] { Array(try Fixtures.text("streams/fcos/\(name)").utf8) }

    @Test func theReleaseIndexRoundTrips() throws {
        let text = try Fixtures.text("streams/fcos/releases.json")
        let index = try ReleaseIndex(json: Array(text.utf8), source: "releases.json")
        #expect(index.stream == "stable")
        #expect(index.lastModified == "2026-07-21T14:07:12Z")
        #expect(index.releases.map(\.version) == ["43.20260413.3.2", "44.20260621.3.1", "44.20260707.3.1"])
        #expect(index.newest?.metadataURL == "https://builds.coreos.fedoraproject.org/prod/streams/stable/builds/44.20260707.3.1/release.json")
        #expect(index.releases[0].commits.map(\.architecture) == ["aarch64", "x86_64"])
        #expect(index.releases[0].extras.unknown.map(\.key) == ["oci-images"])
        #expect(index.text == text)
    }

    @Test func theReleaseRoundTripsWithThePlatformsKilnDoesNotModel() throws {
        let text = try Fixtures.text("streams/fcos/release.json")
        let release = try ReleaseMetadata(json: Array(text.utf8), source: "release.json")
        #expect(release.release == "44.20260707.3.1")
        #expect(release.architectures.keys.sorted() == ["aarch64", "x86_64"])
        let x86 = try #require(release.architectures["x86_64"])
        let disk = try #require(x86.media.qemu?.artifacts["qcow2.xz"]?.disk)
        #expect(disk.location.hasSuffix("/x86_64/fedora-coreos-44.20260707.3.1-qemu.x86_64.qcow2.xz"))
        #expect(disk.signature == disk.location + ".sig")
        #expect(disk.uncompressedSHA256?.count == 64)
        #expect(x86.media.extras.unknown.map(\.key) == ["aws", "metal"])
        #expect(x86.extras.unknown.map(\.key) == ["oci-image"])
        #expect(release.text == text)
    }

    @Test func theStreamMetadataRoundTrips() throws {
        let text = try Fixtures.text("streams/fcos/stream.json")
        let stream = try StreamMetadata(json: Array(text.utf8), source: "stream.json")
        #expect(stream.generator == "fedora-coreos-stream-generator v0.2.19")
        let qemu = try #require(stream.architectures["x86_64"]?.artifacts.qemu)
        #expect(qemu.release == "44.20260707.3.1")
        #expect(qemu.formats.keys.sorted() == ["qcow2.xz"])
        #expect(stream.architectures["x86_64"]?.extras.unknown.map(\.key) == ["images"])
        #expect(stream.text == text)
    }

    @Test func theUpdatesMetadataRoundTrips() throws {
        let text = try Fixtures.text("streams/fcos/updates.json")
        let updates = try UpdatesMetadata(json: Array(text.utf8), source: "updates.json")
        #expect(updates.releases.count == 4)
        #expect(updates.entry("31.20200517.3.0")?.deadend?.reason.hasPrefix("https://github.com/coreos/") == true)
        #expect(updates.entry("43.20260413.3.2")?.barrier != nil)
        #expect(updates.entry("44.20260621.3.1")?.rollout == .complete)
        #expect(updates.entry("44.20260707.3.1")?.rollout == Rollout(startEpoch: 1_784_728_800, startPercentage: 0, durationMinutes: 2880))
        #expect(updates.text == text)
    }

    @Test func whatKilnGeneratesReadsBackTheSame() throws {
        let release = try StreamSamples.release(try StreamSamples.build("44.20260707.3.1"))
        #expect(try ReleaseMetadata(json: Array(release.text.utf8), source: "r").json == release.json)
        let stream = StreamMetadata(stream: "stable", newest: release, generator: "kiln v0.1.0", at: StreamSamples.start)
        #expect(try StreamMetadata(json: Array(stream.text.utf8), source: "s").json == stream.json)
    }

    @Test func unknownMembersAreKeptInTheirPlaceWhenKilnChangesAFile() throws {
        let text = """
            {"stream": "stable", "x-note": "kept", "metadata": {"last-modified": "2026-01-01T00:00:00Z", "by": "me"},
             "releases": [{"version": "1.0", "metadata": {"rollout": {"start_percentage": 1.0, "x": 1}}, "y": true}]}
            """
        let updates = try UpdatesMetadata(json: Array(text.utf8), source: "u")
        let changed = try updates.marking(.barrier, version: "1.0", reason: "https://example.org/1", at: StreamSamples.start)
        let json = changed.json
        #expect(json.objectMembers?.map(\.key) == ["stream", "x-note", "metadata", "releases"])
        #expect(json["metadata"]?["by"] == "me")
        let entry = try #require(json["releases"]?.arrayValue?.first)
        #expect(entry.objectMembers?.map(\.key) == ["version", "metadata", "y"])
        #expect(entry["metadata"]?.objectMembers?.map(\.key) == ["rollout", "barrier"])
        #expect(entry["metadata"]?["rollout"]?["x"] == 1)
    }
}
