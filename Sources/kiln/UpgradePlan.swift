import Foundation
import KilnCore
import KilnHarness

/// Which updates `kiln run-upgrade` tests: the candidate, and the builds it is updated from.
struct UpgradePlan {
    var candidate: LoadedBuild
    var paths: [UpgradePath]
    /// Where the older builds came from, for the run's first lines.
    var origin: String

    /// - Parameters:
    ///   - build: a version in the work directory's store, or a path to a build.
    ///   - from: versions to update from (`--from`).
    ///   - findParent: the parent version from meta.json, else the stream's newest older release.
    ///   - matrix: N-1, N-2 and the oldest of the stream's releases (else of the store's builds).
    static func resolve(build: String, from: [String], findParent: Bool, matrix: Bool, stream: String?,
                        expectRollback: Bool?, workdir: String) throws -> UpgradePlan {
        let store = "\(workdir)/builds"
        let candidate = try LoadedBuild.load(from: FileManager.default.fileExists(atPath: build) ? build : "\(store)/\(build)")
        // Older builds are looked up beside the candidate (its builds/ directory), else in the store.
        let beside = URL(fileURLWithPath: candidate.metaPath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        func load(_ version: String) throws -> LoadedBuild {
            for directory in [beside, store] where FileManager.default.fileExists(atPath: "\(directory)/\(version)") {
                return try LoadedBuild.load(from: "\(directory)/\(version)")
            }
            throw InputError("build \(version) is in neither \(beside) nor \(store) (kiln builds import DIR adds it to the store)")
        }
        let version = candidate.metadata.buildID
        let streamName = stream ?? candidate.metadata.stream
        var sources: [UpgradeSource] = from.map { UpgradeSource(version: $0, roles: ["given"]) }
        var origin = from.isEmpty ? "" : "--from"
        if matrix {
            let (releases, where_) = try olderReleases(stream: streamName, workdir: workdir, builds: beside)
            let found = UpgradeMatrix.sources(candidate: version, releases: releases)
            if found.isEmpty { throw InputError("--matrix: \(where_) lists no build older than \(version)") }
            for source in found where !sources.contains(where: { $0.version == source.version }) { sources.append(source) }
            origin = where_
        }
        if findParent || (from.isEmpty && !matrix) {
            let parent: String
            if let recorded = candidate.metadata.parentVersion {
                parent = recorded
                origin = "\(candidate.metaPath) (fedora-coreos.parent-version)"
            } else {
                let releases: [String], where_: String
                do {
                    (releases, where_) = try olderReleases(stream: streamName, workdir: workdir, builds: nil)
                } catch let error as InputError {
                    throw InputError("\(version) names no parent version in its meta.json, and \(error.message): use --from VERSION")
                }
                guard let newest = UpgradeMatrix.sources(candidate: version, releases: releases).first else {
                    throw InputError("\(version) names no parent version in its meta.json and \(where_) lists no older release: use --from VERSION")
                }
                parent = newest.version
                origin = where_
            }
            if let index = sources.firstIndex(where: { $0.version == parent }) {
                sources[index].roles.append("parent")
            } else {
                sources.insert(UpgradeSource(version: parent, roles: ["parent"]), at: 0)
            }
        }
        let rollback = expectRollback ?? (candidate.metadata.broken != nil)
        let payload = try UpgradePath.verifiedPayload(of: candidate)
        let paths = try sources.map { source in
            try UpgradePath(from: try load(source.version), to: candidate, payload: payload, roles: source.roles, expectRollback: rollback)
        }
        return UpgradePlan(candidate: candidate, paths: paths, origin: origin)
    }

    /// A stream's releases from its release index in the work directory; without one (or
    /// without a stream), the builds of `builds` (a builds/ directory) that are not broken.
    private static func olderReleases(stream: String?, workdir: String, builds: String?) throws -> ([String], String) {
        if let stream {
            let path = "\(workdir)/\(StreamLayout.releaseIndex(stream: stream))"
            if let bytes = FileManager.default.contents(atPath: path) {
                let index = try ReleaseIndex(json: Array(bytes), source: path)
                return (index.releases.map(\.version), "the \(stream) stream's release index (\(path))")
            }
        }
        guard let builds else {
            throw InputError("there is no release index for \(stream.map { "stream \($0)" } ?? "the build's stream (none recorded: use --stream)") in \(workdir)")
        }
        let indexPath = "\(builds)/builds.json"
        guard let bytes = FileManager.default.contents(atPath: indexPath) else {
            throw InputError("no release index for \(stream ?? "the build's stream") in \(workdir), and no \(indexPath)")
        }
        let index = try BuildsIndex(json: Array(bytes), source: indexPath)
        // Only meta.json is read here: an image is checked when its build is chosen.
        let usable = try index.builds.filter { $0.arches.contains("x86_64") }.map(\.id).filter { id in
            let metaPath = "\(builds)/\(id)/x86_64/meta.json"
            guard let bytes = FileManager.default.contents(atPath: metaPath) else {
                throw BuildMetadataError(source: metaPath, message: "cannot read the file (\(indexPath) lists build \(id))")
            }
            return try BuildMetadata(json: Array(bytes), source: metaPath).broken == nil
        }
        return (usable, "the builds of \(indexPath) (no release index for \(stream ?? "the build's stream"); broken builds left out)")
    }
}
