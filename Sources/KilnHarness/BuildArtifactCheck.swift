import Foundation
public import KilnCore

/// A build's file checked against what its `meta.json` says of it (`images.<name>`).
public enum BuildArtifactCheck: Sendable, Equatable {
    /// Present, of the recorded size (when one is recorded), with the recorded sha256.
    case verified(sha256: String)
    /// Missing or unreadable.
    case unreadable(reason: String)
    /// Not the size `meta.json` records.
    case wrongSize(actual: Int)
    /// Not the sha256 `meta.json` records.
    case wrongSHA256(actual: String)

    /// Checks the file at `path` against `artifact`: its size first (cheap), then its sha256.
    public init(path: String, artifact: BuildArtifact) {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            self = .unreadable(reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist")
            return
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        if let expected = artifact.size, size != expected {
            self = .wrongSize(actual: size)
            return
        }
        do {
            let digest = try FileDigest.sha256(ofFile: path)
            self = digest == artifact.sha256.lowercased() ? .verified(sha256: digest) : .wrongSHA256(actual: digest)
        } catch {
            self = .unreadable(reason: "cannot be read")
        }
    }

    /// The error for a file that is not verified: `<meta.json>: images.<name>.<field>: expected
    /// ..., but <file> ...`; nil when it is.
    public func error(metaPath: String, name: String, path: String, artifact: BuildArtifact) -> BuildMetadataError? {
        switch self {
        case .verified: return nil
        case .unreadable(let reason):
            return BuildMetadataError(source: metaPath, message: "images.\(name).path: names \(path), which \(reason)")
        case .wrongSize(let actual):
            return BuildMetadataError(source: metaPath,
                                      message: "images.\(name).size: expected \(artifact.size ?? 0) bytes, but \(path) is \(actual) bytes: refusing a truncated or replaced image")
        case .wrongSHA256(let actual):
            return BuildMetadataError(source: metaPath,
                                      message: "images.\(name).sha256: expected \(artifact.sha256), but \(path) has \(actual): refusing a corrupt or replaced image")
        }
    }
}
