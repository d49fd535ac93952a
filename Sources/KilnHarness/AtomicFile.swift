import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files so that readers see the old content or the new, never a part: the new content
/// goes to a temporary file in the same directory, is flushed to disk (`fsync`), and is renamed
/// over the old file; then the directory is flushed, so that the rename survives a crash. When
/// anything fails, the temporary file is removed and the old file is left as it was.
public enum AtomicFile {
    /// Where the content is written, for ``write(to:permissions:_:)``'s producer.
    public struct Sink {
        fileprivate let descriptor: Int32
        fileprivate let path: String

        /// Appends `bytes`.
        public func write(_ bytes: some Collection<UInt8>) throws {
            try Array(bytes).withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)  // swiftlint:disable:this force_unwrapping
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw AtomicFileError(path: path, operation: "write it", code: errno)
                    }
                    offset += written
                }
            }
        }
    }

    /// Replaces `path` with `text`.
    public static func write(_ text: String, to path: String, permissions: Int = 0o644) throws {
        try write(to: path, permissions: permissions) { try $0.write(Array(text.utf8)) }
    }

    /// Replaces `path` with what `produce` writes to the sink. When `produce` throws, its error
    /// is rethrown and `path` is unchanged.
    public static func write(to path: String, permissions: Int = 0o644, _ produce: (Sink) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
        guard descriptor >= 0 else { throw AtomicFileError(path: path, operation: "create a temporary file beside it", code: errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try produce(Sink(descriptor: descriptor, path: path))
            guard fchmod(descriptor, mode_t(permissions)) == 0 else { throw AtomicFileError(path: path, operation: "set its mode", code: errno) }
            guard fsync(descriptor) == 0 else { throw AtomicFileError(path: path, operation: "flush it to disk", code: errno) }
        }
        guard rename(temporary, path) == 0 else { throw AtomicFileError(path: path, operation: "rename the temporary file over it", code: errno) }
        renamed = true
        syncDirectory(directory)
    }

    /// Flushes a directory's entries (after a rename into it); a failure only costs durability.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// A file that could not be written: which, what was being done, and the system's reason.
public struct AtomicFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public var description: String { "\(path): cannot \(operation): \(String(cString: strerror(code)))" }
}

/// `write(2)`, named apart from ``AtomicFile/Sink/write(_:)``.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #else
    Darwin.write(descriptor, buffer, count)
    #endif
}
