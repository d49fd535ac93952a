public import Foundation
import KilnCore

/// Importing a build into the store: checked before anything is copied, copied whole or not at
/// all, then listed in `builds.json`.
extension BuildStore {
    /// What an import did.
    public struct ImportResult: Sendable, Equatable {
        public var version: String
        /// The architectures copied in.
        public var added: [String]
        /// The architectures the store already held, identical.
        public var unchanged: [String]
    }

    /// Imports the build in `directory`: a build's architecture directory (holding `meta.json`,
    /// as `builds/<version>/x86_64`) or its version directory (holding `<arch>/meta.json`).
    ///
    /// Every image `meta.json` lists that is present (`qemu` must be) is checked against its
    /// recorded size and sha256 before anything is copied; the copy is hashed as it is written
    /// and checked again. The files go to a temporary directory under `builds/`, renamed into
    /// `builds/<version>/` when complete, so nothing half-copied is ever there; then
    /// `builds.json` is rewritten (atomically) with the build, newest first, at `at`.
    /// - Throws: `BuildMetadataError` naming the file, field, expected and actual value, for a
    ///   bad `meta.json` or image, or for a version the store holds with different content.
    @discardableResult
    public func importBuild(from directory: String, at: Date = Date()) throws -> ImportResult {
        let sources = try Self.architectureDirectories(directory)
        var version: String?
        var builds: [(directory: String, metaPath: String, metadata: BuildMetadata)] = []
        for source in sources {
            let metaPath = "\(source)/meta.json"
            let metadata = try Self.checked(metaPath: metaPath, directory: source)
            if let version, version != metadata.buildID {
                throw BuildMetadataError(source: metaPath, message: "buildid: expected \(version), as in the other architectures' meta.json, found \(metadata.buildID)")
            }
            version = metadata.buildID
            builds.append((source, metaPath, metadata))
        }
        guard let version else { throw BuildMetadataError(source: directory, message: "no meta.json here or in an <arch>/ directory") }

        try FileManager.default.createDirectory(atPath: buildsDirectory, withIntermediateDirectories: true)
        return try FileLock.withLock(lockPath) {
            var result = ImportResult(version: version, added: [], unchanged: [])
            let staging = "\(buildsDirectory)/.import-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: staging) }
            for build in builds {
                let arch = build.metadata.architecture
                if try isPresent(build.metaPath, version: version, architecture: arch) {
                    result.unchanged.append(arch)
                } else {
                    try Self.copy(build.directory, metadata: build.metadata, to: "\(staging)/\(version)/\(arch)")
                    result.added.append(arch)
                }
            }
            try moveIn("\(staging)/\(version)", version: version, arches: result.added)
            let index = try Self.contents(indexPath).map { bytes in
                do { return try JSONDocument(parsing: String(decoding: bytes, as: UTF8.self)).value } catch {
                    throw BuildMetadataError(source: indexPath, message: "not valid JSON: \(error)")
                }
            }
            let updated = try BuildsIndex.adding(version: version, arches: builds.map(\.metadata.architecture), to: index,
                                                 at: at, source: indexPath)
            try AtomicFile.write(updated.serialized(pretty: true) + "\n", to: indexPath)
            return result
        }
    }

    /// The directories of the build's architectures that `directory` names.
    private static func architectureDirectories(_ directory: String) throws -> [String] {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BuildMetadataError(source: directory, message: "not a directory; expected a build directory holding meta.json or <arch>/meta.json")
        }
        if FileManager.default.fileExists(atPath: "\(absolute)/meta.json") { return [absolute] }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []
        let arches = children.sorted().map { "\(absolute)/\($0)" }.filter { FileManager.default.fileExists(atPath: "\($0)/meta.json") }
        guard !arches.isEmpty else {
            throw BuildMetadataError(source: directory, message: "no meta.json here or in an <arch>/ directory")
        }
        return arches
    }

    /// Reads `meta.json` and checks every image it lists that is present (the `qemu` one must be).
    private static func checked(metaPath: String, directory: String) throws -> BuildMetadata {
        guard let bytes = try contents(metaPath) else { throw BuildMetadataError(source: metaPath, message: "cannot read the file") }
        let metadata = try BuildMetadata(json: bytes, source: metaPath)
        for (field, value) in [("buildid", metadata.buildID), ("coreos-assembler.basearch", metadata.architecture)]
        where !StreamLayout.isValidName(value) {
            throw BuildMetadataError(source: metaPath, message: "\(field): expected a name of letters, digits, '.', '_' and '-', found \"\(value)\"")
        }
        let qemu = try metadata.qemuImage(source: metaPath)
        for (name, artifact) in metadata.images.sorted(by: { $0.key < $1.key }) {
            guard !artifact.path.hasPrefix("/"), !artifact.path.split(separator: "/").contains("..") else {
                throw BuildMetadataError(source: metaPath, message: "images.\(name).path: expected a path inside the build directory, found \"\(artifact.path)\"")
            }
            let path = resolve(artifact.path, relativeTo: directory)
            guard artifact == qemu || FileManager.default.fileExists(atPath: path) else { continue }
            let check = BuildArtifactCheck(path: path, artifact: artifact)
            if let error = check.error(metaPath: metaPath, name: name, path: path, artifact: artifact) { throw error }
        }
        return metadata
    }

    /// Whether the store holds this architecture of the build already, identical (the same
    /// `meta.json`, and its image matches it).
    /// - Throws: when it holds it with different content.
    private func isPresent(_ metaPath: String, version: String, architecture: String) throws -> Bool {
        let stored = "\(buildsDirectory)/\(version)/\(architecture)"
        guard FileManager.default.fileExists(atPath: stored) else { return false }
        let same = try Self.contents("\(stored)/meta.json") == (try Self.contents(metaPath))
        let details = same ? try? self.details(version: version, architecture: architecture, verify: true) : nil
        guard let details, case .verified = details.imageCheck else {
            throw BuildMetadataError(source: "\(stored)/meta.json",
                                     message: "build \(version) on \(architecture) is already in the store and differs from \(metaPath) (or its image does not match); refusing to replace it")
        }
        return true
    }

    /// Copies the build directory `source` to `destination`, checking the copies of the images.
    private static func copy(_ source: String, metadata: BuildMetadata, to destination: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var digests: [String: String] = [:]
        guard let files = fm.enumerator(atPath: source) else { throw BuildMetadataError(source: source, message: "cannot list the directory") }
        while let relative = files.nextObject() as? String {
            let from = "\(source)/\(relative)"
            let type = try fm.attributesOfItem(atPath: from)[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?: try fm.createDirectory(atPath: "\(destination)/\(relative)", withIntermediateDirectories: true)
            case .typeRegular?: digests[URL(fileURLWithPath: from).standardizedFileURL.path] = try FileDigest.copy(from: from, to: "\(destination)/\(relative)")
            default: throw BuildMetadataError(source: from, message: "not a regular file or directory; a build directory holds only files")
            }
        }
        let metaPath = "\(source)/meta.json"
        for (name, artifact) in metadata.images {
            let path = resolve(artifact.path, relativeTo: source)
            if let digest = digests[path], digest != artifact.sha256.lowercased() {
                throw BuildMetadataError(source: metaPath, message: "images.\(name).sha256: expected \(artifact.sha256), but the copy of \(path) has \(digest): the file changed while it was copied")
            }
        }
    }

    /// Renames the staged `arches` of `version` into `builds/<version>/`: the whole version
    /// directory when it is new, else each architecture.
    private func moveIn(_ staged: String, version: String, arches: [String]) throws {
        guard !arches.isEmpty else { return }
        let target = "\(buildsDirectory)/\(version)"
        let fm = FileManager.default
        if !fm.fileExists(atPath: target) {
            try fm.moveItem(atPath: staged, toPath: target)
        } else {
            for arch in arches { try fm.moveItem(atPath: "\(staged)/\(arch)", toPath: "\(target)/\(arch)") }
        }
        AtomicFile.syncDirectory(buildsDirectory)
    }
}
