import Foundation
import Testing

@testable import KilnCore

/// Adding a build to builds.json as coreos-assembler keeps it: newest first, other members kept.
struct BuildsIndexTests {
    let at = Date(timeIntervalSince1970: 1_784_728_800)

    func ids(_ document: JSONValue) -> [String] {
        document["builds"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func aNewFileHasTheSchemaVersionTheBuildAndATimestamp() throws {
        let document = try BuildsIndex.adding(version: "44.20260707.3.1", arches: ["x86_64"], to: nil, at: at, source: "builds.json")
        #expect(document.serialized() == #"{"schema-version":"1.0.0","builds":[{"id":"44.20260707.3.1","arches":["x86_64"]}],"timestamp":"2026-07-22T14:00:00Z"}"#)
        #expect(try BuildsIndex(json: Array(document.serialized().utf8), source: "b").newest(arch: "x86_64")?.id == "44.20260707.3.1")
    }

    @Test func buildsGoNewestFirstAndOtherMembersStay() throws {
        let existing = try JSONDocument(parsing: """
            {"schema-version": "1.0.0", "builds": [{"id": "44.20260707.3.1", "arches": ["x86_64"], "x": 1},
              {"id": "44.20260621.3.1", "arches": ["x86_64"]}], "timestamp": "2026-07-01T00:00:00Z", "extra": true}
            """).value
        let newer = try BuildsIndex.adding(version: "44.20260714.3.0", arches: ["x86_64"], to: existing, at: at, source: "b")
        #expect(ids(newer) == ["44.20260714.3.0", "44.20260707.3.1", "44.20260621.3.1"])
        let older = try BuildsIndex.adding(version: "44.20260630.3.0", arches: ["x86_64"], to: newer, at: at, source: "b")
        #expect(ids(older) == ["44.20260714.3.0", "44.20260707.3.1", "44.20260630.3.0", "44.20260621.3.1"])
        let oldest = try BuildsIndex.adding(version: "43.1", arches: ["x86_64"], to: older, at: at, source: "b")
        #expect(ids(oldest).last == "43.1")
        #expect(oldest["extra"] == true)
        #expect(oldest["timestamp"] == "2026-07-22T14:00:00Z")
        #expect(oldest["builds"]?.arrayValue?[1]["x"] == 1)
    }

    @Test func aListedBuildGetsTheArchitecturesItLacked() throws {
        let existing = try BuildsIndex.adding(version: "1.0", arches: ["x86_64"], to: nil, at: at, source: "b")
        let both = try BuildsIndex.adding(version: "1.0", arches: ["aarch64", "x86_64"], to: existing, at: at, source: "b")
        #expect(both["builds"]?.arrayValue == [.object([JSONMember(key: "id", value: "1.0"), JSONMember(key: "arches", value: ["x86_64", "aarch64"])])])
    }

    @Test func aDocumentThatIsNotABuildsIndexIsRefused() throws {
        #expect(throws: BuildMetadataError(source: "b", message: "builds: expected a list of {id, arches}")) {
            try BuildsIndex.adding(version: "1", arches: ["x86_64"], to: .object([JSONMember(key: "builds", value: 3)]), at: at, source: "b")
        }
        #expect(throws: BuildMetadataError(source: "b", message: "builds[0]: expected {\"id\": version, \"arches\": [...]}")) {
            try BuildsIndex.adding(version: "1", arches: ["x86_64"], to: .object([JSONMember(key: "builds", value: [1])]), at: at, source: "b")
        }
    }
}
