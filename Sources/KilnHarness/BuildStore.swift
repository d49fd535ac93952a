public import Foundation
public import KilnCore

/// The builds of a work directory, in coreos-assembler's layout: `builds/builds.json` (newest
/// first) and `builds/<version>/<arch>/meta.json` with the build's files beside it.
///
/// Listing and showing read; importing (`BuildImport.swift`) copies a build in, checked first.
public struct BuildStore: Sendable {
    /// The work directory (`--workdir`, else `$KILN_WORKDIR`, else `.work`), absolute.
    public let workdir: String

    /// The store of `workdir`, taken from the current directory when relative.
    public init(workdir: String) {
        self.workdir = URL(fileURLWithPath: workdir).standardizedFileURL.path
    }

    /// `$KILN_WORKDIR` when set and not empty, else `.work`.
    public static func defaultWorkdir(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let workdir = environment["KILN_WORKDIR"], !workdir.isEmpty { return workdir }
        return ".work"
    }

    public var buildsDirectory: String { "\(workdir)/builds" }
    public var indexPath: String { "\(workdir)/\(StreamLayout.buildsIndex)" }

    /// The lock file that store and release changes in this work directory take turns on.
    var lockPath: String { "\(workdir)/.kiln.lock" }

    /// The builds, newest first, as `builds.json` lists them; none when there is no `builds.json`.
    /// - Throws: `BuildMetadataError` for a `builds.json` that cannot be read.
    public func list() throws -> [BuildsIndex.Entry] {
        guard let bytes = try Self.contents(indexPath) else { return [] }
        return try BuildsIndex(json: bytes, source: indexPath).builds
    }

    /// A build on one architecture, as its `meta.json` says, and the state of its disk image.
    public struct Details: Sendable {
        public var metaPath: String
        public var metadata: BuildMetadata
        /// The `qemu` image, as `meta.json` records it; nil when it records none.
        public var image: BuildArtifact?
        /// The image's absolute path.
        public var imagePath: String?
        /// The image checked against `meta.json`; nil when not checked or there is no image.
        public var imageCheck: BuildArtifactCheck?
    }

    /// The build `version` on each of its architectures (those `builds.json` lists, else the
    /// directories holding a `meta.json`); with `verify`, its image is checked (which reads it
    /// whole).
    /// - Throws: `BuildMetadataError` when there is no such build or its `meta.json` is bad.
    public func show(version: String, verify: Bool = true) throws -> [Details] {
        let versionDirectory = "\(buildsDirectory)/\(version)"
        var arches = try list().first { $0.id == version }?.arches ?? []
        if arches.isEmpty {
            let children = (try? FileManager.default.contentsOfDirectory(atPath: versionDirectory)) ?? []
            arches = children.sorted().filter { FileManager.default.fileExists(atPath: "\(versionDirectory)/\($0)/meta.json") }
        }
        guard StreamLayout.isValidName(version), !arches.isEmpty else {
            throw BuildMetadataError(source: indexPath, message: "builds: no build \(version) in the store (kiln builds list shows them)")
        }
        return try arches.map { try details(version: version, architecture: $0, verify: verify) }
    }

    /// The build `version` on `architecture` (see ``show(version:verify:)``).
    public func details(version: String, architecture: String, verify: Bool) throws -> Details {
        let metaPath = "\(buildsDirectory)/\(version)/\(architecture)/meta.json"
        guard let bytes = try Self.contents(metaPath) else {
            throw BuildMetadataError(source: metaPath, message: "missing: builds.json lists \(version) on \(architecture), but its meta.json is gone")
        }
        let metadata = try BuildMetadata(json: bytes, source: metaPath)
        var details = Details(metaPath: metaPath, metadata: metadata)
        if let image = metadata.images["qemu"] {
            let path = Self.resolve(image.path, relativeTo: "\(buildsDirectory)/\(version)/\(architecture)")
            details.image = image
            details.imagePath = path
            if verify { details.imageCheck = BuildArtifactCheck(path: path, artifact: image) }
        }
        return details
    }

    /// The bytes of the file at `path`, or nil when there is none.
    /// - Throws: `BuildMetadataError` when it exists but cannot be read.
    static func contents(_ path: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BuildMetadataError(source: path, message: "cannot read the file")
        }
        return Array(data)
    }

    /// `path` as an absolute path, relative ones taken from `directory`.
    static func resolve(_ path: String, relativeTo directory: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "\(directory)/\(path)"
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }
}
