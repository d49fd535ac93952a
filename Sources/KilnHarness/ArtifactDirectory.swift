import Foundation

/// Creates artifact directories readable by their group and owner only (never world-writable).
public enum ArtifactDirectory {
    /// Creates `path` and any missing parents with mode 0750.
    public static func create(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o750])
    }
}
