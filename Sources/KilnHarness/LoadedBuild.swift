import Foundation
public import KilnCore
public import KilnPlatform

/// A build found on disk, its image checked against `meta.json` before anything boots.
public struct LoadedBuild: Sendable {
    public let metadata: BuildMetadata
    /// The `meta.json` it was read from.
    public let metaPath: String
    public let image: BootImage
    public let imageSHA256: String

    /// Finds and checks a build. `path` may be a `meta.json`, a directory holding one, a
    /// `builds/` directory (its newest x86_64 build), or a coreos-assembler work directory.
    /// - Throws: `BuildMetadataError` naming the file and what is wrong: a missing file, bad
    ///   metadata, or an image whose size or sha256 does not match.
    /// The config repository of the coreos-assembler work directory of the build whose
    /// `meta.json` is at `metaPath` (`<workdir>/src/config`, for
    /// `<workdir>/builds/<id>/<arch>/meta.json`), when there is one: kola takes its `tests/kola`
    /// as the `ext.config.*` tests and its `kola-denylist.yaml` as the denylist.
    public static func configRepository(ofMeta metaPath: String) -> String? {
        let url = URL(fileURLWithPath: metaPath).standardizedFileURL
        let builds = url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard builds.lastPathComponent == "builds" else { return nil }
        let config = builds.deletingLastPathComponent().appendingPathComponent("src/config").path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: config, isDirectory: &isDirectory) && isDirectory.boolValue ? config : nil
    }

    /// The `meta.json` that `path` names (see ``load(from:architecture:)``), without reading it.
    /// - Throws: `BuildMetadataError` when there is none.
    public static func locate(_ path: String, architecture: String = "x86_64") throws -> String {
        try locateMeta(path, architecture: architecture)
    }

    public static func load(from path: String, architecture: String = "x86_64") throws -> LoadedBuild {
        let metaPath = try locateMeta(path, architecture: architecture)
        guard let bytes = FileManager.default.contents(atPath: metaPath) else {
            throw BuildMetadataError(source: metaPath, message: "cannot read the file")
        }
        let metadata = try BuildMetadata(json: Array(bytes), source: metaPath)
        guard metadata.architecture == architecture else {
            throw BuildMetadataError(source: metaPath,
                                     message: "\"coreos-assembler.basearch\" is \"\(metadata.architecture)\"; Kiln boots \(architecture)")
        }
        let artifact = try metadata.qemuImage(source: metaPath)
        let directory = (metaPath as NSString).deletingLastPathComponent
        let imagePath = artifact.path.hasPrefix("/") ? artifact.path : "\(directory)/\(artifact.path)"
        let digest = try verify(imagePath, against: artifact, metaPath: metaPath)
        let firmware: BootImage.Firmware
        switch metadata.firmware ?? "bios" {
        case "uefi": firmware = .uefi
        case "bios": firmware = .bios
        case let other:
            throw BuildMetadataError(source: metaPath, message: "\"kiln.firmware\" must be \"uefi\" or \"bios\", found \"\(other)\"")
        }
        let image = BootImage(path: (imagePath as NSString).standardizingPath, firmware: firmware,
                              loginUser: metadata.loginUser ?? "core",
                              ignitionSpecMax: try metadata.ignitionSpecMaximum(source: metaPath), sha256: digest)
        return LoadedBuild(metadata: metadata, metaPath: metaPath, image: image, imageSHA256: digest)
    }

    private static func locateMeta(_ path: String, architecture: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw BuildMetadataError(source: path, message: "no such file or directory (build one with harness/build-image)")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if !isDirectory.boolValue { return absolute }
        let fm = FileManager.default
        if fm.fileExists(atPath: "\(absolute)/meta.json") { return "\(absolute)/meta.json" }
        if fm.fileExists(atPath: "\(absolute)/\(architecture)/meta.json") { return "\(absolute)/\(architecture)/meta.json" }
        for buildsDirectory in [absolute, "\(absolute)/builds"] where fm.fileExists(atPath: "\(buildsDirectory)/builds.json") {
            let indexPath = "\(buildsDirectory)/builds.json"
            guard let bytes = fm.contents(atPath: indexPath) else {
                throw BuildMetadataError(source: indexPath, message: "cannot read the file")
            }
            let index = try BuildsIndex(json: Array(bytes), source: indexPath)
            guard let newest = index.newest(arch: architecture) else {
                throw BuildMetadataError(source: indexPath, message: "no build for \(architecture) in \"builds\"")
            }
            return "\(buildsDirectory)/\(newest.id)/\(architecture)/meta.json"
        }
        throw BuildMetadataError(source: absolute, message: "no meta.json, \(architecture)/meta.json or builds/builds.json here")
    }

    /// Checks the image's size and sha256 against the metadata; returns the digest.
    private static func verify(_ imagePath: String, against artifact: BuildArtifact, metaPath: String) throws -> String {
        let check = BuildArtifactCheck(path: imagePath, artifact: artifact)
        if let error = check.error(metaPath: metaPath, name: "qemu", path: imagePath, artifact: artifact) { throw error }
        return artifact.sha256.lowercased()
    }
}
