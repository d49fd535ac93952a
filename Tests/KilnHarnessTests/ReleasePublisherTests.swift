import Foundation
import KilnCore
import KilnTesting
import Testing

@testable import KilnHarness

/// Publishing releases into a work directory and steering their rollouts; the files written
/// against golden files under fixtures/streams/published (regenerate with KILN_UPDATE_GOLDEN=1).
struct ReleasePublisherTests {
    static let start = Date(timeIntervalSince1970: 1_784_728_800)  // 2026-07-22T14:00:00Z
    static let baseURL = "https://builds.example.org/kiln"
    let builds: FakeBuilds
    let store: BuildStore
    let publisher: ReleasePublisher

    init() throws {
        builds = try FakeBuilds()
        store = BuildStore(workdir: "\(builds.root)/work")
        publisher = ReleasePublisher(workdir: store.workdir, generator: "kiln v0.1.0")
    }

    /// Imports a fake build of `version` into the store and loads it as kiln promote would.
    func stored(_ version: String, content: String = "fake qcow2 image bytes\n") throws -> LoadedBuild {
        try store.importBuild(from: try builds.make(version, content: content, in: "source-\(version)"), at: Self.start)
        return try LoadedBuild.load(from: "\(store.buildsDirectory)/\(version)")
    }

    func text(_ relative: String) throws -> String {
        try String(contentsOfFile: "\(store.workdir)/\(relative)", encoding: .utf8)
    }

    func minutes(_ count: Double) -> Date { Self.start.addingTimeInterval(count * 60) }

    @Test func aPublicationWritesTheFourFilesAsFedoraCoreOSLaysThemOut() throws {
        defer { builds.remove() }
        try publisher.publish(build: try stored("44.20260621.3.1", content: "the previous image\n"), to: "stable",
                              rollout: .complete, at: minutes(-24 * 60), baseURL: Self.baseURL)
        let publication = try publisher.publish(build: try stored("44.20260707.3.1"), to: "stable",
                                                rollout: Rollout(start: Self.start, durationMinutes: 2880), at: minutes(-30),
                                                baseURL: Self.baseURL)
        let files = ["prod/streams/stable/builds/44.20260707.3.1/release.json", "prod/streams/stable/releases.json",
                     "streams/stable.json", "updates/stable.json"]
        #expect(publication == .init(version: "44.20260707.3.1", stream: "stable", written: files))
        for file in files {
            let mismatch = Fixtures.compareGolden(try text(file), "streams/published/\(file)")
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
        #expect(FakeBuilds.listing("\(store.workdir)/prod/streams/stable/builds") == ["44.20260621.3.1", "44.20260707.3.1"])
        // The locations are where the store keeps the files.
        let release = try ReleaseMetadata(json: Array(try text(files[0]).utf8), source: files[0])
        let location = try #require(release.architectures["x86_64"]?.media.qemu?.artifacts["qcow2"]?.disk?.location)
        let relative = String(location.dropFirst(Self.baseURL.count + 1))
        #expect(FileManager.default.fileExists(atPath: "\(store.workdir)/\(relative)"))
    }

    @Test func withoutARolloutTheUpdatesAreCreatedEmptyOrLeftAlone() throws {
        defer { builds.remove() }
        try publisher.publish(build: try stored("44.20260621.3.1"), to: "testing", rollout: nil, at: Self.start, baseURL: Self.baseURL)
        #expect(try text("updates/testing.json") == "{\n  \"stream\": \"testing\",\n  \"metadata\": {\n    \"last-modified\": \"2026-07-22T14:00:00Z\"\n  },\n  \"releases\": []\n}\n")
        try publisher.barrier(stream: "testing", version: "44.20260621.3.1", reason: "https://example.org/7", at: Self.start)
        let before = try text("updates/testing.json")
        let publication = try publisher.publish(build: try stored("44.20260707.3.1", content: "newer\n"), to: "testing", rollout: nil,
                                                at: minutes(60), baseURL: Self.baseURL)
        #expect(!publication.written.contains("updates/testing.json"))
        #expect(try text("updates/testing.json") == before)
        let stream = try StreamMetadata(json: Array(try text("streams/testing.json").utf8), source: "s")
        #expect(stream.architectures["x86_64"]?.artifacts.qemu?.release == "44.20260707.3.1")
    }

    @Test func anOlderReleaseIsRefusedAndNothingIsWritten() throws {
        defer { builds.remove() }
        try publisher.publish(build: try stored("44.20260707.3.1"), to: "stable", rollout: nil, at: Self.start, baseURL: Self.baseURL)
        let before = try text("prod/streams/stable/releases.json")
        let older = try stored("44.20260621.3.1", content: "older\n")
        let error = #expect(throws: StreamFileError.self) {
            try publisher.publish(build: older, to: "stable", rollout: nil, at: minutes(5), baseURL: Self.baseURL)
        }
        #expect(error?.source == "\(store.workdir)/prod/streams/stable/releases.json")
        #expect(error?.message.hasPrefix("release 44.20260621.3.1 is older than the newest release 44.20260707.3.1") == true)
        #expect(try text("prod/streams/stable/releases.json") == before)
        #expect(FakeBuilds.listing("\(store.workdir)/prod/streams/stable/builds") == ["44.20260707.3.1"])
    }

    @Test func aBuildOutsideTheStoreIsRefused() throws {
        defer { builds.remove() }
        let elsewhere = try LoadedBuild.load(from: try builds.make("44.20260707.3.1"))
        let error = #expect(throws: BuildMetadataError.self) {
            try publisher.publish(build: elsewhere, to: "stable", rollout: nil, at: Self.start, baseURL: Self.baseURL)
        }
        #expect(error?.message.contains("import it first with kiln builds import") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(store.workdir)/prod"))
    }

    @Test func aFileOfAnotherStreamIsRefused() throws {
        defer { builds.remove() }
        try FileManager.default.createDirectory(atPath: "\(store.workdir)/updates", withIntermediateDirectories: true)
        try AtomicFile.write(UpdatesMetadata(stream: "testing", at: Self.start).text, to: "\(store.workdir)/updates/stable.json")
        let build = try stored("44.20260707.3.1")
        let error = #expect(throws: StreamFileError.self) {
            try publisher.publish(build: build, to: "stable", rollout: nil, at: Self.start, baseURL: Self.baseURL)
        }
        #expect(error?.description == "\(store.workdir)/updates/stable.json: stream: expected \"stable\", found \"testing\"")
        #expect(!FileManager.default.fileExists(atPath: "\(store.workdir)/prod"))
    }

    @Test func rolloutsAreHaltedResumedAndMarked() throws {
        defer { builds.remove() }
        try publisher.publish(build: try stored("44.20260707.3.1"), to: "stable", rollout: Rollout(start: Self.start, durationMinutes: 2880),
                              at: minutes(-30), baseURL: Self.baseURL)
        let halted = try publisher.halt(stream: "stable", version: "44.20260707.3.1", at: minutes(720))
        #expect(halted.startPercentage == 0.25 && halted.remainingMinutes == 2160 && halted.durationMinutes == nil)
        let resumed = try publisher.resume(stream: "stable", version: "44.20260707.3.1", at: minutes(1000))
        #expect(resumed.durationMinutes == 2160 && resumed.startPercentage == 0.25)
        try publisher.deadend(stream: "stable", version: "44.20260707.3.1", reason: "https://example.org/issues/9", at: minutes(1001))
        let updates = try UpdatesMetadata(json: Array(try text("updates/stable.json").utf8), source: "u")
        #expect(updates.entry("44.20260707.3.1")?.rollout == resumed)
        #expect(updates.entry("44.20260707.3.1")?.deadend?.reason == "https://example.org/issues/9")
        #expect(updates.lastModified == "2026-07-23T06:41:00Z")
    }

    @Test func steeringErrorsNameTheFileAndWriteNothing() throws {
        defer { builds.remove() }
        let noReleases = #expect(throws: StreamFileError.self) {
            try publisher.halt(stream: "stable", version: "44.20260707.3.1", at: Self.start)
        }
        #expect(noReleases?.description == "\(store.workdir)/prod/streams/stable/releases.json: missing: stream stable has no releases yet")
        try publisher.publish(build: try stored("44.20260707.3.1"), to: "stable", rollout: nil, at: Self.start, baseURL: Self.baseURL)
        let before = try text("updates/stable.json")
        let unknown = #expect(throws: StreamFileError.self) {
            try publisher.barrier(stream: "stable", version: "1.0", reason: "https://example.org", at: Self.start)
        }
        #expect(unknown?.description == "\(store.workdir)/prod/streams/stable/releases.json: releases: no release 1.0 in stream stable")
        let noRollout = #expect(throws: StreamFileError.self) {
            try publisher.halt(stream: "stable", version: "44.20260707.3.1", at: Self.start)
        }
        #expect(noRollout?.description == "\(store.workdir)/updates/stable.json: releases: release 44.20260707.3.1 has no rollout")
        #expect(throws: StreamFileError.self) {
            try publisher.deadend(stream: "stable", version: "44.20260707.3.1", reason: "not a url", at: Self.start)
        }
        #expect(throws: StreamFileError.self) {
            try publisher.halt(stream: "../stable", version: "44.20260707.3.1", at: Self.start)
        }
        #expect(try text("updates/stable.json") == before)
    }
}
