import Foundation
import KilnCore
import Testing

@testable import KilnHarness

/// The work directory's build store: listing, showing, and importing builds checked first.
struct BuildStoreTests {
    let builds: FakeBuilds
    let store: BuildStore

    init() throws {
        builds = try FakeBuilds()
        store = BuildStore(workdir: "\(builds.root)/work")
    }

    /// What the work directory holds: builds/ and below, hidden files included.
    func tree() -> [String] {
        FileManager.default.enumerator(atPath: store.workdir)?.allObjects.compactMap { $0 as? String }.sorted() ?? []
    }

    @Test func aVersionDirectoryIsImportedListedAndShown() throws {
        defer { builds.remove() }
        let source = try builds.make("44.20260707.3.1")
        let result = try store.importBuild(from: source, at: Date(timeIntervalSince1970: 1_784_728_800))
        #expect(result == .init(version: "44.20260707.3.1", added: ["x86_64"], unchanged: []))
        let image = FakeBuilds.imageName("44.20260707.3.1")
        #expect(tree() == [".kiln.lock", "builds", "builds/44.20260707.3.1", "builds/44.20260707.3.1/x86_64",
                           "builds/44.20260707.3.1/x86_64/kernel", "builds/44.20260707.3.1/x86_64/\(image)",
                           "builds/44.20260707.3.1/x86_64/meta.json", "builds/builds.json"])
        #expect(try store.list().map { [$0.id] + $0.arches } == [["44.20260707.3.1", "x86_64"]])
        let shown = try #require(try store.show(version: "44.20260707.3.1").first)
        #expect(shown.metadata.parentVersion == "44.20260621.3.1")
        #expect(shown.imagePath == "\(store.buildsDirectory)/44.20260707.3.1/x86_64/\(image)")
        #expect(shown.imageCheck == .verified(sha256: try #require(shown.image?.sha256)))
        // meta.json is copied as it was, members Kiln does not know included.
        #expect(FileManager.default.contentsEqual(atPath: "\(source)/x86_64/meta.json", andPath: shown.metaPath))
        let index = try String(contentsOfFile: store.indexPath, encoding: .utf8)
        #expect(index.contains(#""timestamp": "2026-07-22T14:00:00Z""#))
        // LoadedBuild finds the newest build of the store as kiln run would.
        #expect(try LoadedBuild.load(from: store.workdir).metaPath == shown.metaPath)
    }

    @Test func anArchitectureDirectoryIsImportedToo() throws {
        defer { builds.remove() }
        let source = try builds.make("44.20260707.3.1")
        #expect(try store.importBuild(from: "\(source)/x86_64").added == ["x86_64"])
    }

    @Test func buildsAreListedNewestFirstWhateverOrderTheyCameIn() throws {
        defer { builds.remove() }
        for version in ["44.20260707.3.1", "44.20260621.3.1", "44.20260714.3.0"] {
            try store.importBuild(from: try builds.make(version))
        }
        #expect(try store.list().map(\.id) == ["44.20260714.3.0", "44.20260707.3.1", "44.20260621.3.1"])
    }

    @Test func aCorruptImageIsRefusedBeforeAnythingIsCopied() throws {
        defer { builds.remove() }
        let source = try builds.make("44.20260707.3.1", recordedSHA256: String(repeating: "0", count: 64))
        let metaPath = "\(source)/x86_64/meta.json"
        let error = #expect(throws: BuildMetadataError.self) { try store.importBuild(from: source) }
        let image = "\(source)/x86_64/\(FakeBuilds.imageName("44.20260707.3.1"))"
        let actual = try FileDigest.sha256(ofFile: image)
        #expect(error?.description == "\(metaPath): images.qemu.sha256: expected \(String(repeating: "0", count: 64)), but \(image) has \(actual): refusing a corrupt or replaced image")
        #expect(tree().isEmpty)
    }

    @Test func aTruncatedImageIsRefused() throws {
        defer { builds.remove() }
        let source = try builds.make("44.20260707.3.1", recordedSize: 1000)
        let error = #expect(throws: BuildMetadataError.self) { try store.importBuild(from: source) }
        #expect(error?.message.hasPrefix("images.qemu.size: expected 1000 bytes, but ") == true)
        #expect(error?.message.hasSuffix(" is 23 bytes: refusing a truncated or replaced image") == true)
        #expect(tree().isEmpty)
    }

    @Test func anImageOutsideTheBuildDirectoryIsRefused() throws {
        defer { builds.remove() }
        let source = try builds.make("44.20260707.3.1", imagePath: "../elsewhere.qcow2")
        let error = #expect(throws: BuildMetadataError.self) { try store.importBuild(from: source) }
        #expect(error?.message == #"images.qemu.path: expected a path inside the build directory, found "../elsewhere.qcow2""#)
    }

    @Test func anIdenticalBuildIsLeftAloneAndADifferentOneRefused() throws {
        defer { builds.remove() }
        try store.importBuild(from: try builds.make("44.20260707.3.1"))
        let before = try String(contentsOfFile: store.indexPath, encoding: .utf8)
        #expect(try store.importBuild(from: try builds.make("44.20260707.3.1", in: "again")).unchanged == ["x86_64"])
        let other = try builds.make("44.20260707.3.1", content: "another image\n", in: "other")
        let error = #expect(throws: BuildMetadataError.self) { try store.importBuild(from: other) }
        #expect(error?.source == "\(store.buildsDirectory)/44.20260707.3.1/x86_64/meta.json")
        #expect(error?.message.contains("is already in the store and differs from") == true)
        let kept = try #require(try store.show(version: "44.20260707.3.1").first)
        #expect(kept.imageCheck == .verified(sha256: try FileDigest.sha256(ofFile: try #require(kept.imagePath))))
        #expect(!(try String(contentsOfFile: try #require(kept.imagePath), encoding: .utf8)).contains("another"))
        #expect(FakeBuilds.listing(store.buildsDirectory) == ["44.20260707.3.1", "builds.json"])
        #expect(try String(contentsOfFile: store.indexPath, encoding: .utf8).count == before.count)
    }

    @Test func anotherArchitectureOfAStoredVersionIsAdded() throws {
        defer { builds.remove() }
        try store.importBuild(from: try builds.make("44.20260707.3.1"))
        let arm = try builds.make("44.20260707.3.1", arch: "aarch64", in: "arm")
        #expect(try store.importBuild(from: arm).added == ["aarch64"])
        #expect(try store.list().map { [$0.id] + $0.arches } == [["44.20260707.3.1", "x86_64", "aarch64"]])
        #expect(try store.show(version: "44.20260707.3.1", verify: false).map(\.metadata.architecture) == ["x86_64", "aarch64"])
    }

    @Test func showSaysWhenTheStoredImageNoLongerMatches() throws {
        defer { builds.remove() }
        try store.importBuild(from: try builds.make("44.20260707.3.1"))
        let path = try #require(try store.show(version: "44.20260707.3.1", verify: false).first?.imagePath)
        try Data("fake qcow2 image byteX\n".utf8).write(to: URL(fileURLWithPath: path))
        guard case .wrongSHA256 = try store.show(version: "44.20260707.3.1").first?.imageCheck else {
            Issue.record("a changed image should not verify")
            return
        }
        try FileManager.default.removeItem(atPath: path)
        #expect(try store.show(version: "44.20260707.3.1").first?.imageCheck == .unreadable(reason: "does not exist"))
        #expect(throws: BuildMetadataError.self) { try store.show(version: "44.20260801.3.0") }
    }

    @Test func theWorkDirectoryComesFromTheEnvironmentElseDotWork() {
        defer { builds.remove() }
        #expect(BuildStore.defaultWorkdir(environment: ["KILN_WORKDIR": "/srv/kiln"]) == "/srv/kiln")
        #expect(BuildStore.defaultWorkdir(environment: ["KILN_WORKDIR": ""]) == ".work")
        #expect(BuildStore.defaultWorkdir(environment: [:]) == ".work")
    }
}
