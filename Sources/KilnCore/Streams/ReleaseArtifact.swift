/// One file of a release as Fedora CoreOS's release and stream metadata describe it
/// (`stream-metadata-go`'s `Artifact`): `{"location", "signature"?, "sha256", "uncompressed-sha256"?}`.
public struct ReleaseArtifact: Sendable, Equatable {
    /// Where the file can be downloaded.
    public var location: String
    /// Where its detached signature is; Kiln does not sign, so nil for what Kiln writes.
    public var signature: String?
    public var sha256: String
    /// The sha256 of the decompressed file, for a compressed one (`qcow2.xz`).
    public var uncompressedSHA256: String?
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras

    /// A value with these members, as Kiln writes it.
    public init(location: String, signature: String? = nil, sha256: String, uncompressedSHA256: String? = nil,
                extras: JSONObjectExtras = .init()) {
        self.location = location
        self.signature = signature
        self.sha256 = sha256
        self.uncompressedSHA256 = uncompressedSHA256
        self.extras = extras
    }

    static let keys: Set<String> = ["location", "signature", "sha256", "uncompressed-sha256"]

    init(reading node: StreamJSONNode) throws(StreamFileError) {
        let object = try node.object("an artifact {location, sha256}")
        location = try object.required("location", "the artifact's URL").string()
        signature = try object.optional("signature")?.string()
        sha256 = try object.required("sha256", "a sha256 of 64 hexadecimal digits").sha256()
        uncompressedSHA256 = try object.optional("uncompressed-sha256")?.sha256()
        extras = object.extras(known: Self.keys)
    }

    /// The artifact in FCOS's key names and order.
    public var json: JSONValue {
        extras.object([("location", .string(location)), ("signature", signature.map(JSONValue.string)),
                       ("sha256", .string(sha256)), ("uncompressed-sha256", uncompressedSHA256.map(JSONValue.string))])
    }
}

/// The files of one format of an image (`stream-metadata-go`'s `ImageFormat`): a `disk`, or for
/// PXE a `kernel`, `initramfs` and `rootfs`.
public struct ImageFormat: Sendable, Equatable {
    public var disk: ReleaseArtifact?
    public var kernel: ReleaseArtifact?
    public var initramfs: ReleaseArtifact?
    public var rootfs: ReleaseArtifact?
    /// The members Kiln does not model, and the order read.
    public var extras: JSONObjectExtras

    /// A value with these members, as Kiln writes it.
    public init(disk: ReleaseArtifact? = nil, kernel: ReleaseArtifact? = nil, initramfs: ReleaseArtifact? = nil,
                rootfs: ReleaseArtifact? = nil, extras: JSONObjectExtras = .init()) {
        self.disk = disk
        self.kernel = kernel
        self.initramfs = initramfs
        self.rootfs = rootfs
        self.extras = extras
    }

    init(reading node: StreamJSONNode) throws(StreamFileError) {
        let object = try node.object("an image format {disk} or {kernel, initramfs, rootfs}")
        disk = try object.optional("disk").map { node throws(StreamFileError) in try ReleaseArtifact(reading: node) }
        kernel = try object.optional("kernel").map { node throws(StreamFileError) in try ReleaseArtifact(reading: node) }
        initramfs = try object.optional("initramfs").map { node throws(StreamFileError) in try ReleaseArtifact(reading: node) }
        rootfs = try object.optional("rootfs").map { node throws(StreamFileError) in try ReleaseArtifact(reading: node) }
        extras = object.extras(known: ["disk", "kernel", "initramfs", "rootfs"])
    }

    /// As JSON, in FCOS's key names and order.
    public var json: JSONValue {
        extras.object([("disk", disk?.json), ("kernel", kernel?.json), ("initramfs", initramfs?.json), ("rootfs", rootfs?.json)])
    }

    /// Reads a map from format names (`qcow2`, `qcow2.xz`) to formats.
    static func formats(_ node: StreamJSONNode) throws(StreamFileError) -> [String: ImageFormat] {
        try node.map("a map from format names (\"qcow2\") to formats") { node throws(StreamFileError) in try ImageFormat(reading: node) }
    }

    /// The map as JSON, keys sorted (as Go's `encoding/json` writes maps).
    static func json(_ formats: [String: ImageFormat]) -> JSONValue { StreamJSON.sortedObject(formats, \.json) }
}
