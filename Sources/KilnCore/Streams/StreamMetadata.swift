public import Foundation

/// A stream's public metadata, `streams/<stream>.json` (`stream-metadata-go`'s
/// `stream.Stream`): per architecture, the artifacts of the stream's newest release, which is
/// where users download the stream from.
///
/// ```json
/// {"stream": "stable",
///  "metadata": {"last-modified": "2026-07-21T14:07:12Z", "generator": "kiln v0.1.0"},
///  "architectures": {"x86_64": {"artifacts": {"qemu": {"release": "44.20260707.3.1",
///    "formats": {"qcow2": {"disk": {"location": "...", "sha256": "..."}}}}}}}}
/// ```
///
/// Like `fedora-coreos-stream-generator`, Kiln generates it whole from the newest release
/// (``init(stream:newest:generator:at:)``). Kiln models the `qemu` artifacts; other platforms
/// and `images` in a file read are kept.
public struct StreamMetadata: Sendable, Equatable {
    /// The stream on one architecture.
    public struct Architecture: Sendable, Equatable {
        public var artifacts: Artifacts
        /// `images` (clouds) and the rest, as read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(artifacts: Artifacts, extras: JSONObjectExtras = .init()) {
            self.artifacts = artifacts
            self.extras = extras
        }
    }

    /// The artifacts by platform; Kiln models `qemu`.
    public struct Artifacts: Sendable, Equatable {
        public var qemu: PlatformArtifacts?
        /// The other platforms, as read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(qemu: PlatformArtifacts?, extras: JSONObjectExtras = .init()) {
            self.qemu = qemu
            self.extras = extras
        }
    }

    /// A platform's artifacts: the release they are from and the files by format.
    public struct PlatformArtifacts: Sendable, Equatable {
        public var release: String
        public var formats: [String: ImageFormat]
        /// The members Kiln does not model, and the order read.
        public var extras: JSONObjectExtras

        /// A value with these members, as Kiln writes it.
        public init(release: String, formats: [String: ImageFormat], extras: JSONObjectExtras = .init()) {
            self.release = release
            self.formats = formats
            self.extras = extras
        }
    }

    public var stream: String
    public var lastModified: String
    /// `metadata.generator`: what wrote the file.
    public var generator: String?
    public var architectures: [String: Architecture]
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras
    /// What else `metadata` held.
    public var metadataExtras: JSONObjectExtras

    /// A value with these members, as Kiln writes it.
    public init(stream: String, lastModified: String, generator: String?, architectures: [String: Architecture]) {
        self.stream = stream
        self.lastModified = lastModified
        self.generator = generator
        self.architectures = architectures
        self.extras = .init()
        self.metadataExtras = .init()
    }

    /// The stream metadata of `stream` generated from its `newest` release at `at`, by
    /// `generator` (`kiln v0.1.0`): each architecture's `qemu` artifacts. Architectures
    /// without `qemu` media are left out.
    public init(stream: String, newest release: ReleaseMetadata, generator: String, at: Date) {
        var architectures: [String: Architecture] = [:]
        for (name, arch) in release.architectures {
            guard let qemu = arch.media.qemu else { continue }
            let artifacts = PlatformArtifacts(release: release.release, formats: qemu.artifacts)
            architectures[name] = Architecture(artifacts: Artifacts(qemu: artifacts))
        }
        self.init(stream: stream, lastModified: StreamJSON.timestamp(at), generator: generator, architectures: architectures)
    }

    /// Reads `streams/<stream>.json`; `source` names the file in errors.
    public init(json: [UInt8], source: String) throws(StreamFileError) {
        let object = try StreamJSONNode.parse(json, source: source).object("stream metadata {stream, metadata, architectures}")
        stream = try object.required("stream", "the stream's name").string()
        let metadata = try object.lastModifiedMetadata(known: ["last-modified", "generator"])
        lastModified = metadata.lastModified
        generator = try metadata.object.optional("generator")?.string()
        metadataExtras = metadata.extras
        architectures = try object.required("architectures", "a map from architectures to their artifacts")
            .map("a map from architectures to {artifacts}") { node throws(StreamFileError) in try Self.architecture(node) }
        extras = object.extras(known: ["stream", "metadata", "architectures"])
    }

    private static func architecture(_ node: StreamJSONNode) throws(StreamFileError) -> Architecture {
        let object = try node.object("{artifacts, images}")
        let artifacts = try object.required("artifacts", "a map from platforms to their artifacts").object("a map from platforms to their artifacts")
        let qemu = try artifacts.optional("qemu").map { node throws(StreamFileError) in
            let platform = try node.object("{release, formats}")
            return PlatformArtifacts(release: try platform.required("release", "the release's version").string(),
                                     formats: try ImageFormat.formats(try platform.required("formats", "a map from formats to files")),
                                     extras: platform.extras(known: ["release", "formats"]))
        }
        return Architecture(artifacts: Artifacts(qemu: qemu, extras: artifacts.extras(known: ["qemu"])),
                            extras: object.extras(known: ["artifacts"]))
    }

    /// The stream metadata as JSON, in the order of `stream-metadata-go`'s `stream.Stream`.
    public var json: JSONValue {
        extras.object([
            ("stream", .string(stream)),
            ("metadata", metadataExtras.object([("last-modified", .string(lastModified)), ("generator", generator.map(JSONValue.string))])),
            ("architectures", StreamJSON.sortedObject(architectures) { arch in
                arch.extras.object([
                    ("artifacts", arch.artifacts.extras.object([
                        ("qemu", arch.artifacts.qemu.map { qemu in
                            qemu.extras.object([("release", .string(qemu.release)), ("formats", ImageFormat.json(qemu.formats))])
                        }),
                    ])),
                ])
            }),
        ])
    }

    /// The text of `streams/<stream>.json`.
    public var text: String { StreamJSON.text(json) }
}
