import Foundation
import KilnCore

/// Builds, instants and files shared by the stream metadata tests.
enum StreamSamples {
    /// 2026-07-22T14:00:00Z, the start of the sample rollout.
    static let start = Date(timeIntervalSince1970: 1_784_728_800)
    static let baseURL = "https://builds.example.org/kiln/"

    /// The `meta.json` of a Kiln build of `version` on `arch` whose qcow2 has `sha256`.
    static func build(_ version: String, arch: String = "x86_64", sha256: String = String(repeating: "ab", count: 32),
                      ostreeCommit: String? = nil) throws -> BuildMetadata {
        let commit = ostreeCommit.map { #", "ostree-commit": "\#($0)""# } ?? ""
        let json = """
            {"buildid": "\(version)", "name": "kiln-reference", "coreos-assembler.basearch": "\(arch)"\(commit),
             "images": {"qemu": {"path": "kiln-reference-\(version)-qemu.\(arch).qcow2", "sha256": "\(sha256)", "size": 23}}}
            """
        return try BuildMetadata(json: Array(json.utf8), source: "meta.json")
    }

    /// The release of `build` in stable, published at `at`.
    static func release(_ build: BuildMetadata, at: Date = start) throws -> ReleaseMetadata {
        ReleaseMetadata(build: build, image: try build.qemuImage(source: "meta.json"), stream: "stable", baseURL: baseURL, at: at)
    }

    static func minutes(_ count: Double, after date: Date = start) -> Date { date.addingTimeInterval(count * 60) }
}
