import Foundation
import KilnCore

@testable import KilnHarness

/// Tiny builds on disk for the store and publisher tests: a few bytes stand in for the qcow2,
/// with a `meta.json` recording their size and sha256. Never a real disk image.
struct FakeBuilds {
    /// A fresh temporary directory, removed by ``remove()``.
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "kiln-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// The file name of the fake qcow2 of `version` on `arch`.
    static func imageName(_ version: String, arch: String = "x86_64") -> String {
        "kiln-reference-\(version)-qemu.\(arch).qcow2"
    }

    /// Writes `<root>/<directory>/<arch>/` with `meta.json` and an image of `content`, and
    /// returns the version directory. `recordedSHA256` and `recordedSize` override what
    /// `meta.json` says of the image.
    @discardableResult
    func make(_ version: String, arch: String = "x86_64", content: String = "fake qcow2 image bytes\n",
              in directory: String = "source", recordedSHA256: String? = nil, recordedSize: Int? = nil,
              imagePath: String? = nil) throws -> String {
        let versionDirectory = "\(root)/\(directory)/\(version)"
        let archDirectory = "\(versionDirectory)/\(arch)"
        try FileManager.default.createDirectory(atPath: archDirectory, withIntermediateDirectories: true)
        let bytes = Data(content.utf8)
        let name = Self.imageName(version, arch: arch)
        try bytes.write(to: URL(fileURLWithPath: "\(archDirectory)/\(name)"))
        try Data("kernel\n".utf8).write(to: URL(fileURLWithPath: "\(archDirectory)/kernel"))
        let sha256 = try recordedSHA256 ?? FileDigest.sha256(ofFile: "\(archDirectory)/\(name)")
        let meta = """
            {"buildid": "\(version)", "name": "kiln-reference", "coreos-assembler.basearch": "\(arch)",
             "images": {"qemu": {"path": "\(imagePath ?? name)", "sha256": "\(sha256)",
                                 "size": \(recordedSize ?? bytes.count), "skip-compression": true}},
             "fedora-coreos.parent-version": "44.20260621.3.1", "kiln.future-field": [1, 2]}
            """
        try Data(meta.utf8).write(to: URL(fileURLWithPath: "\(archDirectory)/meta.json"))
        return versionDirectory
    }

    /// The names in `directory`, hidden ones included, sorted; empty when it does not exist.
    static func listing(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}
