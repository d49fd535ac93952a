public import Foundation
public import KilnCore

/// Publishes releases into a work directory's release metadata, laid out like Fedora CoreOS's
/// bucket (``StreamLayout``), and steers their rollouts.
///
/// Every change is read, checked and computed in full before anything is written; each file
/// is then replaced atomically (``AtomicFile``), in Fedora CoreOS's order: `release.json`,
/// `releases.json`, `streams/<stream>.json`, `updates/<stream>.json`. Changes to one work
/// directory take turns (a lock file), so that concurrent promotions lose nothing.
public struct ReleasePublisher: Sendable {
    /// The work directory, absolute.
    public let workdir: String
    /// What the stream metadata names as its `generator` (`kiln v0.1.0`).
    public let generator: String

    /// A publisher into `workdir` (taken from the current directory when relative).
    public init(workdir: String, generator: String = "kiln") {
        self.workdir = URL(fileURLWithPath: workdir).standardizedFileURL.path
        self.generator = generator
    }

    /// What a publication wrote: paths relative to the work directory.
    public struct Publication: Sendable, Equatable {
        public var version: String
        public var stream: String
        public var written: [String]
    }

    /// Publishes `build` (which must be in the work directory's build store) as the newest
    /// release of `stream` at `at`, its files served under `baseURL` (where the work
    /// directory is served): writes its `release.json` (adding its architecture to an existing
    /// one), adds it to `releases.json`, regenerates `streams/<stream>.json` from the newest
    /// release, and, with a `rollout`, sets it in `updates/<stream>.json` (which is created
    /// when missing, and otherwise left alone). This is what `kiln promote` calls once the
    /// gate passes.
    /// - Throws: `BuildMetadataError` for a build outside the store; `StreamFileError` naming
    ///   the file for metadata that cannot be read, belongs to another stream, or would list
    ///   a release older than the newest; `AtomicFileError` when a file cannot be written.
    @discardableResult
    public func publish(build: LoadedBuild, to stream: String, rollout: Rollout?, at: Date, baseURL: String) throws -> Publication {
        try Self.checkName(stream, "stream")
        let metadata = build.metadata
        let version = metadata.buildID
        let image = try metadata.qemuImage(source: build.metaPath)
        try checkInStore(build, image: image)
        let files = PublishedFiles(workdir: workdir, stream: stream)
        return try FileLock.withLock(BuildStore(workdir: workdir).lockPath) {
            var release = ReleaseMetadata(build: metadata, image: image, stream: stream, baseURL: baseURL, at: at)
            let releasePath = StreamLayout.release(stream: stream, version: version)
            if let existing = try files.read(releasePath, ReleaseMetadata.init(json:source:)) {
                try files.check(existing.release == version, releasePath, "release", "\"\(version)\", the version of its directory, found \"\(existing.release)\"")
                try files.check(existing.stream == stream, releasePath, "stream", "\"\(stream)\", found \"\(existing.stream)\"")
                release = existing.merging(release)
            }
            let metadataURL = StreamLayout.url(baseURL, releasePath)
            let index = try files.releaseIndex() ?? ReleaseIndex(stream: stream)
            let updatedIndex = try files.attributing(StreamLayout.releaseIndex(stream: stream)) { () throws(StreamFileError) in
                try index.adding(release.indexEntry(metadataURL: metadataURL), at: at)
            }
            var newestRelease = release
            if let newest = updatedIndex.newest, newest.version != version { newestRelease = try files.newestRelease(newest) }
            let streamMetadata = StreamMetadata(stream: stream, newest: newestRelease, generator: generator, at: at)

            var writes = [(releasePath, release.text), (StreamLayout.releaseIndex(stream: stream), updatedIndex.text),
                          (StreamLayout.streamMetadata(stream: stream), streamMetadata.text)]
            let updatesPath = StreamLayout.updates(stream: stream)
            let updates = try files.updates()
            if let rollout {
                let base = updates ?? UpdatesMetadata(stream: stream)
                let updated = try files.attributing(updatesPath) { () throws(StreamFileError) in
                    try base.settingRollout(rollout, version: version, at: at)
                }
                writes.append((updatesPath, updated.text))
            } else if updates == nil {
                writes.append((updatesPath, UpdatesMetadata(stream: stream, at: at).text))
            }
            try files.write(writes)
            return Publication(version: version, stream: stream, written: writes.map(\.0))
        }
    }

    /// The build must be `<workdir>/builds/<version>/<arch>/meta.json`, so that the locations
    /// published (`<baseURL>/builds/...`) are where its files are.
    private func checkInStore(_ build: LoadedBuild, image: BuildArtifact) throws {
        let store = BuildStore(workdir: workdir)
        let expected = "\(store.buildsDirectory)/\(build.metadata.buildID)/\(build.metadata.architecture)/meta.json"
        let canonical = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        guard canonical(build.metaPath) == canonical(expected) else {
            throw BuildMetadataError(source: build.metaPath,
                                     message: "the build is not in the work directory's store (expected \(expected)); import it first with kiln builds import")
        }
        guard !image.path.hasPrefix("/"), !image.path.split(separator: "/").contains("..") else {
            throw BuildMetadataError(source: build.metaPath, message: "images.qemu.path: expected a path inside the build directory, found \"\(image.path)\"")
        }
    }

    static func checkName(_ name: String, _ what: String) throws {
        guard StreamLayout.isValidName(name) else {
            throw StreamFileError(path: what, message: "expected a name of letters, digits, '.', '_' and '-', found \"\(name)\"")
        }
    }
}
