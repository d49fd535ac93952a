public import Foundation
public import KilnCore

/// Steering the rollouts of published releases: `updates/<stream>.json` rewritten atomically.
extension ReleasePublisher {
    /// Halts the rollout of `version` in `stream` at `at`: freezes it at the share of clients
    /// it had reached (see ``Rollout``). Returns the halted rollout.
    /// - Throws: `StreamFileError` naming the file when the release or its rollout is missing,
    ///   or the rollout is not progressing.
    @discardableResult
    public func halt(stream: String, version: String, at: Date) throws -> Rollout {
        try changeUpdates(stream: stream, version: version, at: at) { updates throws(StreamFileError) in
            try updates.haltingRollout(version: version, at: at)
        }
    }

    /// Resumes the halted rollout of `version` in `stream` at `at`, from its frozen share, over
    /// `durationMinutes` or else what its schedule had left. Returns the new rollout.
    @discardableResult
    public func resume(stream: String, version: String, at: Date, durationMinutes: Int? = nil) throws -> Rollout {
        try changeUpdates(stream: stream, version: version, at: at) { updates throws(StreamFileError) in
            try updates.resumingRollout(version: version, at: at, durationMinutes: durationMinutes)
        }
    }

    /// Makes `version` a barrier of `stream`: older releases update to it first. `reason` is a URL.
    public func barrier(stream: String, version: String, reason: String, at: Date) throws {
        try mark(.barrier, stream: stream, version: version, reason: reason, at: at)
    }

    /// Makes `version` a dead-end of `stream`: it does not auto-update further. `reason` is a URL.
    public func deadend(stream: String, version: String, reason: String, at: Date) throws {
        try mark(.deadend, stream: stream, version: version, reason: reason, at: at)
    }

    /// Marks `version` of `stream` a barrier or dead-end for `reason`, a URL.
    public func mark(_ kind: UpdateMarkerKind, stream: String, version: String, reason: String, at: Date) throws {
        try UpdatesMetadata.checkReason(reason, for: kind)
        try changeUpdates(stream: stream, version: version, at: at) { updates throws(StreamFileError) in
            try updates.marking(kind, version: version, reason: reason, at: at)
        }
    }

    /// Applies `change` to the stream's updates metadata (new when there is none) for
    /// `version`, which must be a release of the stream; writes it and returns the release's
    /// rollout, if any.
    @discardableResult
    private func changeUpdates(stream: String, version: String, at: Date,
                               _ change: (UpdatesMetadata) throws(StreamFileError) -> UpdatesMetadata) throws -> Rollout {
        try Self.checkName(stream, "stream")
        let files = PublishedFiles(workdir: workdir, stream: stream)
        let indexPath = StreamLayout.releaseIndex(stream: stream)
        let noReleases = StreamFileError(source: files.path(indexPath), path: "", message: "missing: stream \(stream) has no releases yet")
        // Before the lock, which needs the work directory: a stream without releases has none.
        guard FileManager.default.fileExists(atPath: files.path(indexPath)) else { throw noReleases }
        return try FileLock.withLock(BuildStore(workdir: workdir).lockPath) {
            guard let index = try files.releaseIndex() else { throw noReleases }
            guard index.releases.contains(where: { $0.version == version }) else {
                throw StreamFileError(source: files.path(indexPath), path: "releases", message: "no release \(version) in stream \(stream)")
            }
            let updatesPath = StreamLayout.updates(stream: stream)
            let current = try files.updates() ?? UpdatesMetadata(stream: stream)
            let updated = try files.attributing(updatesPath) { () throws(StreamFileError) in try change(current) }
            try files.write([(updatesPath, updated.text)])
            return updated.entry(version)?.rollout ?? Rollout()
        }
    }
}
