/// One release of a stream, `prod/streams/<stream>/builds/<version>/release.json`
/// (`stream-metadata-go`'s `release.Release`): per architecture its commit and the artifacts
/// of each platform.
///
/// ```json
/// {"release": "44.20260707.3.1", "stream": "stable",
///  "metadata": {"last-modified": "2026-07-21T14:07:12Z"},
///  "architectures": {"x86_64": {"commit": "...",
///    "media": {"qemu": {"artifacts": {"qcow2": {"disk": {"location": "...", "sha256": "..."}}}}}}}}
/// ```
///
/// Kiln models the `qemu` platform; the other platforms (`aws`, `metal`, ...) and members such
/// as `oci-image` are kept as they were read. Architectures and formats are maps, written with
/// their keys sorted, as Go writes maps.
public struct ReleaseMetadata: Sendable, Equatable {
    /// A release on one architecture.
    public struct Architecture: Sendable, Equatable {
        /// The OSTree commit, or for a build without one the disk image's sha256.
        public var commit: String
        public var media: Media
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(commit: String, media: Media, extras: JSONObjectExtras = .init()) {
            self.commit = commit
            self.media = media
            self.extras = extras
        }
    }

    /// The platforms of a release on one architecture; Kiln models `qemu`.
    public struct Media: Sendable, Equatable {
        public var qemu: Platform?
        /// The other platforms, as read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(qemu: Platform?, extras: JSONObjectExtras = .init()) {
            self.qemu = qemu
            self.extras = extras
        }
    }

    /// A platform's artifacts by format (`qcow2`, `qcow2.xz`).
    public struct Platform: Sendable, Equatable {
        public var artifacts: [String: ImageFormat]
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(artifacts: [String: ImageFormat], extras: JSONObjectExtras = .init()) {
            self.artifacts = artifacts
            self.extras = extras
        }
    }

    public var release: String
    public var stream: String
    /// `metadata.last-modified`; nil in older files, which have no `metadata`.
    public var lastModified: String?
    public var architectures: [String: Architecture]
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras
    /// What else `metadata` held.
    public var metadataExtras: JSONObjectExtras

    /// A value with these members, as Kiln writes it.
    public init(release: String, stream: String, lastModified: String?, architectures: [String: Architecture]) {
        self.release = release
        self.stream = stream
        self.lastModified = lastModified
        self.architectures = architectures
        self.extras = .init()
        self.metadataExtras = .init()
    }

    /// Reads `release.json`; `source` names the file in errors.
    public init(json: [UInt8], source: String) throws(StreamFileError) {
        let object = try StreamJSONNode.parse(json, source: source).object("a release {release, stream, architectures}")
        release = try object.required("release", "the release's version").string()
        stream = try object.required("stream", "the stream's name").string()
        if let metadata = try object.optional("metadata")?.object("{\"last-modified\": timestamp}") {
            lastModified = try metadata.required("last-modified", "a timestamp").string()
            metadataExtras = metadata.extras(known: ["last-modified"])
        } else {
            lastModified = nil
            metadataExtras = .init()
        }
        architectures = try object.required("architectures", "a map from architectures to their media")
            .map("a map from architectures to {commit, media}") { node throws(StreamFileError) in try Self.architecture(node) }
        extras = object.extras(known: ["release", "stream", "metadata", "architectures"])
    }

    private static func architecture(_ node: StreamJSONNode) throws(StreamFileError) -> Architecture {
        let object = try node.object("{commit, media}")
        let media = try object.required("media", "a map from platforms to their artifacts").object("a map from platforms to their artifacts")
        let qemu = try media.optional("qemu").map { node throws(StreamFileError) in
            let platform = try node.object("{artifacts}")
            return Platform(artifacts: try ImageFormat.formats(try platform.required("artifacts", "a map from formats to files")),
                            extras: platform.extras(known: ["artifacts"]))
        }
        return Architecture(commit: try object.required("commit", "the commit's checksum").string(),
                            media: Media(qemu: qemu, extras: media.extras(known: ["qemu"])),
                            extras: object.extras(known: ["commit", "media"]))
    }

    /// The release as JSON, in the order of `stream-metadata-go`'s `release.Release`.
    public var json: JSONValue {
        extras.object([
            ("release", .string(release)),
            ("stream", .string(stream)),
            ("metadata", lastModified.map { StreamJSON.lastModified($0, metadataExtras) }),
            ("architectures", StreamJSON.sortedObject(architectures) { arch in
                arch.extras.object([
                    ("commit", .string(arch.commit)),
                    ("media", arch.media.extras.object([
                        ("qemu", arch.media.qemu.map { $0.extras.object([("artifacts", ImageFormat.json($0.artifacts))]) }),
                    ])),
                ])
            }),
        ])
    }

    /// The text of `release.json`.
    public var text: String { StreamJSON.text(json) }

    /// The entry of this release in the stream's `releases.json`, its `release.json` at
    /// `metadataURL`; commits in the order of their architectures.
    public func indexEntry(metadataURL: String) -> ReleaseIndex.Entry {
        ReleaseIndex.Entry(version: release, metadataURL: metadataURL,
                           commits: architectures.sorted { $0.key < $1.key }.map {
                               ReleaseIndex.Commit(architecture: $0.key, checksum: $0.value.commit)
                           })
    }
}
