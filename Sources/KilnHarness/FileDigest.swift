import Crypto
import Foundation

/// sha256 digests of files, read in 4 MiB pieces, as lowercase hex.
enum FileDigest {
    /// The digest of the file at `path`.
    /// - Throws: `CocoaError` when it cannot be opened or read.
    static func sha256(ofFile path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// Copies the file at `source` to a new file `destination` (mode 0644 unless `source` is
    /// executable, then 0755) and returns the digest of what was written.
    static func copy(from source: String, to destination: String) throws -> String {
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
        defer { try? input.close() }
        let executable = FileManager.default.isExecutableFile(atPath: source)
        guard FileManager.default.createFile(atPath: destination, contents: nil,
                                             attributes: [.posixPermissions: executable ? 0o755 : 0o644]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination])
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        defer { try? output.close() }
        var hasher = SHA256()
        while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            try output.write(contentsOf: chunk)
        }
        try output.synchronize()
        return hex(hasher.finalize())
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
