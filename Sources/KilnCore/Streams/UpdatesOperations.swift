public import Foundation

/// The two markers of a release in the updates metadata.
public enum UpdateMarkerKind: String, Sendable, CaseIterable {
    /// Releases older than a barrier must update to it before anything newer.
    case barrier
    /// The release cannot auto-update further.
    case deadend
}

/// Changing the updates metadata, as Fedora CoreOS's `rollout.py` and its release engineers do.
/// Each operation returns the changed metadata, modified at the given instant; an entry for a
/// release that has none is inserted in version order.
extension UpdatesMetadata {
    /// The entry of `version`.
    public func entry(_ version: String) -> Entry? {
        releases.first { $0.version == version }
    }

    /// With `rollout` as the rollout of `version`, replacing any it had.
    /// - Throws: for a `duration_minutes` under 1: Cincinnati counts 0 as one minute, so the
    ///   release would be offered to everyone a minute later (leave the duration out for a
    ///   rollout that does not progress).
    public func settingRollout(_ rollout: Rollout, version: String, at: Date) throws(StreamFileError) -> UpdatesMetadata {
        if let minutes = rollout.durationMinutes, minutes < 1 {
            throw StreamFileError(path: "", message: "a rollout's duration must be at least 1 minute, not \(minutes) (Cincinnati would finish it within a minute); leave it out for no progress")
        }
        return try changing(version, at: at) { entry, _ throws(StreamFileError) in entry.rollout = rollout }
    }

    /// With the rollout of `version` halted at `at` (``Rollout/halted(at:)``).
    /// - Throws: when `version` has no rollout, or it cannot be halted.
    public func haltingRollout(version: String, at: Date) throws(StreamFileError) -> UpdatesMetadata {
        try changingRollout(version, at: at) { rollout throws(StreamFileError) in try rollout.halted(at: at) }
    }

    /// With the halted rollout of `version` resumed at `at` (``Rollout/resumed(at:durationMinutes:)``).
    /// - Throws: when `version` has no rollout, or it cannot be resumed.
    public func resumingRollout(version: String, at: Date, durationMinutes: Int? = nil) throws(StreamFileError) -> UpdatesMetadata {
        try changingRollout(version, at: at) { rollout throws(StreamFileError) in
            try rollout.resumed(at: at, durationMinutes: durationMinutes)
        }
    }

    /// With `version` marked a barrier or dead-end for `reason`, a URL.
    /// - Throws: when `reason` is not an http or https URL.
    public func marking(_ kind: UpdateMarkerKind, version: String, reason: String, at: Date) throws(StreamFileError) -> UpdatesMetadata {
        try Self.checkReason(reason, for: kind)
        return try changing(version, at: at) { entry, _ throws(StreamFileError) in
            switch kind {
            case .barrier: entry.barrier = Marker(reason: reason, extras: entry.barrier?.extras ?? .init())
            case .deadend: entry.deadend = Marker(reason: reason, extras: entry.deadend?.extras ?? .init())
            }
        }
    }

    /// Checks that `reason` is an http or https URL, as a barrier's or dead-end's reason is.
    /// - Throws: an error whose path is `reason`.
    public static func checkReason(_ reason: String, for kind: UpdateMarkerKind) throws(StreamFileError) {
        guard let url = URL(string: reason), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            throw StreamFileError(path: "reason", message: "expected the URL of an issue or page (https://...) that explains the \(kind.rawValue), found \"\(reason)\"")
        }
    }

    private func changingRollout(_ version: String, at: Date,
                                 _ change: (Rollout) throws(StreamFileError) -> Rollout) throws(StreamFileError) -> UpdatesMetadata {
        guard let rollout = entry(version)?.rollout else {
            throw StreamFileError(path: "releases", message: "release \(version) has no rollout")
        }
        return try changing(version, at: at) { entry, path throws(StreamFileError) in
            do throws(StreamFileError) { entry.rollout = try change(rollout) } catch {
                throw StreamFileError(path: "\(path).metadata.rollout", message: error.message)
            }
        }
    }

    /// Applies `change` to the entry of `version` (inserted in version order when there is
    /// none; `change` gets its key path for errors), modified at `at`.
    private func changing(_ version: String, at: Date,
                          _ change: (inout Entry, String) throws(StreamFileError) -> Void) throws(StreamFileError) -> UpdatesMetadata {
        var updates = self
        let position = releases.firstIndex { $0.version == version }
            ?? releases.firstIndex { BuildVersion(version) < BuildVersion($0.version) }
            ?? releases.count
        if position == releases.count || releases[position].version != version {
            updates.releases.insert(Entry(version: version), at: position)
        }
        try change(&updates.releases[position], "releases[\(position)]")
        updates.lastModified = StreamJSON.timestamp(at)
        return updates
    }
}
