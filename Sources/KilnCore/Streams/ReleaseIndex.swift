public import Foundation

/// A stream's release index, `prod/streams/<stream>/releases.json` (fedora-coreos-tracker
/// `metadata/release-index`): every release of the stream, oldest to newest, with the URL of
/// its `release.json` and its commit per architecture. Cincinnati takes a release's position
/// here as its age, so that clients never update to an older release.
///
/// ```json
/// {"note": "For use only by Fedora CoreOS internal tooling. ...",
///  "releases": [{"commits": [{"architecture": "x86_64", "checksum": "..."}],
///                "version": "44.20260707.3.1",
///                "metadata": "https://.../prod/streams/stable/builds/44.20260707.3.1/release.json"}],
///  "metadata": {"last-modified": "2026-07-21T14:07:12Z"},
///  "stream": "stable"}
/// ```
///
/// Members are written in the order of Fedora CoreOS's own files (`stream-metadata-go`'s
/// `release.Index`); members Kiln does not model (`oci-images`) are kept.
public struct ReleaseIndex: Sendable, Equatable {
    /// Fedora CoreOS's note, which Kiln writes in a new index.
    public static let defaultNote = "For use only by Fedora CoreOS internal tooling.  All other applications should obtain release info from stream metadata endpoints."

    /// One release: its version, the URL of its `release.json` and its commits.
    public struct Entry: Sendable, Equatable {
        public var version: String
        /// The URL of the release's `release.json` (the member `metadata`).
        public var metadataURL: String
        public var commits: [Commit]
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(version: String, metadataURL: String, commits: [Commit], extras: JSONObjectExtras = .init()) {
            self.version = version
            self.metadataURL = metadataURL
            self.commits = commits
            self.extras = extras
        }
    }

    /// A release's commit on one architecture. For Fedora CoreOS it is the OSTree commit;
    /// for a build without one (Kiln's reference guest), Kiln records its disk image's sha256.
    public struct Commit: Sendable, Equatable {
        public var architecture: String
        public var checksum: String
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(architecture: String, checksum: String, extras: JSONObjectExtras = .init()) {
            self.architecture = architecture
            self.checksum = checksum
            self.extras = extras
        }
    }

    /// The note to readers; nil when the file has none.
    public var note: String?
    /// Oldest to newest.
    public var releases: [Entry]
    /// `metadata.last-modified`, as written.
    public var lastModified: String
    public var stream: String
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras
    /// What else `metadata` held.
    public var metadataExtras: JSONObjectExtras

    /// An empty index of `stream`.
    public init(stream: String, note: String? = ReleaseIndex.defaultNote, lastModified: String = "", releases: [Entry] = []) {
        self.note = note
        self.releases = releases
        self.lastModified = lastModified
        self.stream = stream
        self.extras = .init()
        self.metadataExtras = .init()
    }

    /// The newest release.
    public var newest: Entry? { releases.last }

    /// Reads `releases.json`; `source` names the file in errors.
    public init(json: [UInt8], source: String) throws(StreamFileError) {
        let object = try StreamJSONNode.parse(json, source: source).object("a release index {note, releases, metadata, stream}")
        note = try object.optional("note")?.string("a string")
        stream = try object.required("stream", "the stream's name").string()
        (lastModified, _, metadataExtras) = try object.lastModifiedMetadata()
        releases = try object.releases({ node throws(StreamFileError) in try Self.entry(node) }, version: \.version)
        extras = object.extras(known: ["note", "releases", "metadata", "stream"])
    }

    private static func entry(_ node: StreamJSONNode) throws(StreamFileError) -> Entry {
        let object = try node.object("a release {commits, version, metadata}")
        var commits: [Commit] = []
        for commitNode in try object.required("commits", "a list of {architecture, checksum}").array("a list of {architecture, checksum}") {
            let commit = try commitNode.object("{architecture, checksum}")
            let architecture = try commit.required("architecture", "an architecture").string()
            if commits.contains(where: { $0.architecture == architecture }) {
                throw commitNode.error("architecture \(architecture) is listed twice")
            }
            commits.append(Commit(architecture: architecture, checksum: try commit.required("checksum", "a checksum").string(),
                                  extras: commit.extras(known: ["architecture", "checksum"])))
        }
        return Entry(version: try object.required("version", "the release's version").string(),
                     metadataURL: try object.required("metadata", "the URL of the release's release.json").string(),
                     commits: commits, extras: object.extras(known: ["commits", "version", "metadata"]))
    }

    /// The index as JSON, in the order of Fedora CoreOS's files.
    public var json: JSONValue {
        extras.object([
            ("note", note.map(JSONValue.string)),
            ("releases", .array(releases.map { entry in
                entry.extras.object([
                    ("commits", .array(entry.commits.map { commit in
                        commit.extras.object([("architecture", .string(commit.architecture)), ("checksum", .string(commit.checksum))])
                    })),
                    ("version", .string(entry.version)),
                    ("metadata", .string(entry.metadataURL)),
                ])
            })),
            ("metadata", StreamJSON.lastModified(lastModified, metadataExtras)),
            ("stream", .string(stream)),
        ])
    }

    /// The text of `releases.json`.
    public var text: String { StreamJSON.text(json) }

    /// The index with `entry` added as the newest release, modified at `at`. Adding a release
    /// again adds the commits of architectures it lacked; its metadata URL is replaced.
    /// - Throws: when the release is older than the newest release (clients order releases by
    ///   their place here and never update to an older one), or is already listed with another
    ///   checksum for an architecture.
    public func adding(_ entry: Entry, at: Date) throws(StreamFileError) -> ReleaseIndex {
        var index = self
        if let position = releases.firstIndex(where: { $0.version == entry.version }) {
            for commit in entry.commits {
                if let existing = index.releases[position].commits.firstIndex(where: { $0.architecture == commit.architecture }) {
                    let published = index.releases[position].commits[existing].checksum
                    guard published == commit.checksum else {
                        throw StreamFileError(path: "releases[\(position)].commits[\(existing)].checksum",
                                              message: "release \(entry.version) is already published for \(commit.architecture) with checksum \(published), not \(commit.checksum)")
                    }
                } else {
                    index.releases[position].commits.append(commit)
                }
            }
            index.releases[position].metadataURL = entry.metadataURL
        } else {
            if let newest, BuildVersion(entry.version) < BuildVersion(newest.version) {
                throw StreamFileError(path: "releases",
                                      message: "release \(entry.version) is older than the newest release \(newest.version); releases are listed oldest to newest and clients never update to an older one")
            }
            index.releases.append(entry)
        }
        index.lastModified = StreamJSON.timestamp(at)
        return index
    }
}
