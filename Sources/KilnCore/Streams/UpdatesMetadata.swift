public import Foundation

/// A stream's updates metadata, `updates/<stream>.json` (fedora-coreos-tracker
/// `metadata/updates`): the releases that are update targets (`rollout`), forced chokepoints
/// (`barrier`) or cannot update further (`deadend`). Cincinnati reads it with `releases.json`
/// to draw the update graph.
///
/// ```json
/// {"stream": "stable",
///  "metadata": {"last-modified": "2026-07-21T14:07:12Z"},
///  "releases": [
///    {"version": "43.20260413.3.2", "metadata": {"barrier": {"reason": "https://..."}}},
///    {"version": "44.20260707.3.1", "metadata": {"rollout": {"duration_minutes": 2880,
///      "start_epoch": 1784728800, "start_percentage": 0.0}}}]}
/// ```
///
/// Members are written in the order of Fedora CoreOS's `rollout.py`; unknown ones are kept.
/// The operations are in `UpdatesOperations.swift`.
public struct UpdatesMetadata: Sendable, Equatable {
    /// A `barrier` or `deadend`: why, as a URL.
    public struct Marker: Sendable, Equatable {
        public var reason: String
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(reason: String, extras: JSONObjectExtras = .init()) {
            self.reason = reason
            self.extras = extras
        }

        public var json: JSONValue { extras.object([("reason", .string(reason))]) }
    }

    /// One release's markers.
    public struct Entry: Sendable, Equatable {
        public var version: String
        /// Releases older than a barrier update to it before anything newer.
        public var barrier: Marker?
        /// The release cannot update further; users must intervene.
        public var deadend: Marker?
        /// The release is an update target, offered to a growing share of clients.
        public var rollout: Rollout?
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras
        /// What else the entry's `metadata` held.
        public var metadataExtras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(version: String, barrier: Marker? = nil, deadend: Marker? = nil, rollout: Rollout? = nil) {
            self.version = version
            self.barrier = barrier
            self.deadend = deadend
            self.rollout = rollout
            self.extras = .init()
            self.metadataExtras = .init()
        }
    }

    public var stream: String
    /// `metadata.last-modified`, as written.
    public var lastModified: String
    /// Oldest to newest.
    public var releases: [Entry]
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras
    /// What else `metadata` held.
    public var metadataExtras: JSONObjectExtras

    /// Updates metadata of `stream` with no releases.
    public init(stream: String, lastModified: String = "", releases: [Entry] = []) {
        self.stream = stream
        self.lastModified = lastModified
        self.releases = releases
        self.extras = .init()
        self.metadataExtras = .init()
    }

    /// Updates metadata of `stream` with no releases, modified at `at`.
    public init(stream: String, at: Date) {
        self.init(stream: stream, lastModified: StreamJSON.timestamp(at))
    }

    /// Reads `updates/<stream>.json`; `source` names the file in errors.
    public init(json: [UInt8], source: String) throws(StreamFileError) {
        let object = try StreamJSONNode.parse(json, source: source).object("updates metadata {stream, metadata, releases}")
        stream = try object.required("stream", "the stream's name").string()
        (lastModified, _, metadataExtras) = try object.lastModifiedMetadata()
        releases = try object.releases({ node throws(StreamFileError) in try Self.entry(node) }, version: \.version)
        extras = object.extras(known: ["stream", "metadata", "releases"])
    }

    private static func entry(_ node: StreamJSONNode) throws(StreamFileError) -> Entry {
        let object = try node.object("a release {version, metadata}")
        var entry = Entry(version: try object.required("version", "the release's version").string())
        let metadata = try object.required("metadata", "{barrier, deadend, rollout}").object("{barrier, deadend, rollout}")
        entry.barrier = try metadata.optional("barrier").map { node throws(StreamFileError) in try marker(node) }
        entry.deadend = try metadata.optional("deadend").map { node throws(StreamFileError) in try marker(node) }
        entry.rollout = try metadata.optional("rollout").map { node throws(StreamFileError) in try Rollout(reading: node) }
        entry.metadataExtras = metadata.extras(known: ["barrier", "deadend", "rollout"])
        entry.extras = object.extras(known: ["version", "metadata"])
        return entry
    }

    private static func marker(_ node: StreamJSONNode) throws(StreamFileError) -> Marker {
        let object = try node.object("{\"reason\": URL}")
        return Marker(reason: try object.required("reason", "the URL of the reason").string(), extras: object.extras(known: ["reason"]))
    }

    /// The updates metadata as JSON, in the order of Fedora CoreOS's files.
    public var json: JSONValue {
        extras.object([
            ("stream", .string(stream)),
            ("metadata", StreamJSON.lastModified(lastModified, metadataExtras)),
            ("releases", .array(releases.map { entry in
                entry.extras.object([
                    ("version", .string(entry.version)),
                    ("metadata", entry.metadataExtras.object([
                        ("barrier", entry.barrier?.json), ("deadend", entry.deadend?.json), ("rollout", entry.rollout?.json),
                    ])),
                ])
            })),
        ])
    }

    /// The text of `updates/<stream>.json`.
    public var text: String { StreamJSON.text(json) }
}
