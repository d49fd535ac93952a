import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a file, so that two Kiln processes changing the same
/// work directory (two promotions, an import and a rollout) take turns instead of losing one
/// another's changes.
enum FileLock {
    /// Runs `body` holding the lock on `path` (created if missing), waiting for it if needed.
    static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicFileError(path: path, operation: "open the lock file", code: errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw AtomicFileError(path: path, operation: "lock the work directory with it", code: errno) }
        }
        return try body()
    }
}
