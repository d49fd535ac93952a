import Foundation

/// A build's `meta.json`, in coreos-assembler's layout (`builds/<version>/<arch>/meta.json`).
///
/// Only the fields Kiln reads are modelled; the rest of the file is ignored, so a real
/// Fedora CoreOS `meta.json` decodes too.
public struct BuildMetadata: Sendable, Equatable, Codable {
    public var buildID: String
    public var name: String
    public var architecture: String
    public var images: [String: BuildArtifact]
    public var parentVersion: String?
    /// How the image boots: `uefi` or `bios`. Fedora CoreOS qcow2 images boot either way; nil means `bios`.
    public var firmware: String?
    /// The kernel arguments for direct kernel boot (Kiln's reference guest records them).
    public var kernelArguments: String?
    /// The newest Ignition config spec the image's Ignition accepts, when the build says.
    public var ignitionSpecMax: String?
    /// The user Kiln logs in as (`core` for Fedora CoreOS).
    public var loginUser: String?
    /// The serial console device of the guest (`ttyS0` on x86_64).
    public var console: String?
    /// The stream the build belongs to, when recorded.
    public var stream: String?
    /// The OSTree commit of a Fedora CoreOS build (`ostree-commit`); Kiln's reference guest has none.
    public var ostreeCommit: String?
    /// How a machine of an older build is updated to this one (`kiln.update`), when the build says.
    public var update: UpdateMethod?
    /// The version the booted OS reports (`IMAGE_VERSION`, else `OSTREE_VERSION`, in
    /// os-release), when it is not the build ID (`kiln.os-release`).
    public var osRelease: String?
    /// A deliberately broken build, for rollback tests (`kiln.broken`: how it breaks).
    public var broken: String?

    /// kola's distro of the build, for tests' `distros`: `fcos` (`fedora-coreos`), `rhcos`,
    /// `scos`, else the build's name (`kiln-reference` for Kiln's reference guest).
    public var distro: String {
        switch name {
        case "fedora-coreos": "fcos"
        case "rhcos": "rhcos"
        case "scos", "centos-stream-coreos": "scos"
        default: name
        }
    }

    enum CodingKeys: String, CodingKey {
        case buildID = "buildid"
        case name
        case architecture = "coreos-assembler.basearch"
        case images
        case parentVersion = "fedora-coreos.parent-version"
        case firmware = "kiln.firmware"
        case kernelArguments = "kiln.kernel-args"
        case ignitionSpecMax = "kiln.ignition-spec-max"
        case loginUser = "kiln.login-user"
        case console = "kiln.console"
        case stream = "kiln.stream"
        case ostreeCommit = "ostree-commit"
        case update = "kiln.update"
        case osRelease = "kiln.os-release"
        case broken = "kiln.broken"
    }

    /// Decodes `meta.json`. `source` names the file in errors.
    public init(json: [UInt8], source: String) throws(BuildMetadataError) {
        let data = Data(json)
        do {
            _ = try JSONDocument(parsing: String(decoding: json, as: UTF8.self))
        } catch {
            throw BuildMetadataError(source: source, message: "not valid JSON: \(error)")
        }
        do {
            self = try JSONDecoder().decode(BuildMetadata.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw BuildMetadataError(source: source,
                                     message: "missing field \"\(Self.path(context.codingPath + [key]))\"")
        } catch let DecodingError.typeMismatch(type, context) {
            throw BuildMetadataError(source: source,
                                     message: "field \"\(Self.path(context.codingPath))\" must be \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw BuildMetadataError(source: source,
                                     message: "field \"\(Self.path(context.codingPath))\" must be \(type), found null")
        } catch {
            throw BuildMetadataError(source: source, message: "\(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The disk image QEMU boots (`images.qemu`).
    public func qemuImage(source: String) throws(BuildMetadataError) -> BuildArtifact {
        guard let image = images["qemu"] else {
            throw BuildMetadataError(source: source, message: "no \"images.qemu\": the build has no qcow2 image for QEMU")
        }
        return image
    }

    /// The version a machine running this build reports in os-release.
    public var bootedVersion: String { osRelease ?? buildID }

    /// How to update a machine to this build, and its payload.
    /// - Throws: when the build has no `kiln.update`, or its artifact is not in `images`.
    public func updateMethod(source: String) throws(BuildMetadataError) -> (method: UpdateMethod, payload: BuildArtifact) {
        guard let update else {
            throw BuildMetadataError(source: source, message: "no \"kiln.update\": the build does not say how a machine is updated to it (payload artifact and command)")
        }
        guard let payload = images[update.artifact] else {
            throw BuildMetadataError(source: source, message: "\"kiln.update.artifact\" names \"\(update.artifact)\", which is not in \"images\"")
        }
        return (update, payload)
    }

    /// The spec version bound, parsed; nil when the build does not say.
    public func ignitionSpecMaximum(source: String) throws(BuildMetadataError) -> IgnitionSpecVersion? {
        guard let text = ignitionSpecMax else { return nil }
        guard let version = IgnitionSpecVersion(text) else {
            throw BuildMetadataError(source: source,
                                     message: "field \"kiln.ignition-spec-max\" must be a spec version like \"3.3.0\", found \"\(text)\"")
        }
        return version
    }
}

/// How to update a running machine to a build (`kiln.update` in its `meta.json`), the way
/// Fedora CoreOS's tests run `rpm-ostree rebase`: the payload (one of the build's `images`) is
/// put at `guest-path` in the guest, `command` installs it, and a reboot boots it.
public struct UpdateMethod: Sendable, Equatable, Codable {
    /// The key in `images` of the payload.
    public var artifact: String
    /// Where the payload goes in the guest (a directory the login user may write to).
    public var guestPath: String
    /// Installs the payload for the next boot; run as the login user (it may use sudo).
    public var command: String
    /// Prints the machine's installed builds as JSON (`{"booted": ..., "slots": [...]}`),
    /// for the rollback checks; nil when the OS cannot say.
    public var statusCommand: String?

    enum CodingKeys: String, CodingKey {
        case artifact
        case guestPath = "guest-path"
        case command
        case statusCommand = "status-command"
    }

    public init(artifact: String, guestPath: String, command: String, statusCommand: String? = nil) {
        self.artifact = artifact
        self.guestPath = guestPath
        self.command = command
        self.statusCommand = statusCommand
    }
}

/// One file of a build (`images.<name>` in `meta.json`).
public struct BuildArtifact: Sendable, Equatable, Codable {
    /// Relative to the directory of `meta.json`.
    public var path: String
    public var sha256: String
    public var size: Int?
    /// The sha256 of the decompressed file, for a compressed one (`uncompressed-sha256`).
    public var uncompressedSHA256: String?

    enum CodingKeys: String, CodingKey {
        case path, sha256, size
        case uncompressedSHA256 = "uncompressed-sha256"
    }

    public init(path: String, sha256: String, size: Int?, uncompressedSHA256: String? = nil) {
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.uncompressedSHA256 = uncompressedSHA256
    }
}

/// `builds/builds.json`: the builds of a stream, newest first.
public struct BuildsIndex: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var id: String
        public var arches: [String]
    }

    public var schemaVersion: String
    public var builds: [Entry]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema-version"
        case builds
    }

    /// Decodes `builds.json`. `source` names the file in errors.
    public init(json: [UInt8], source: String) throws(BuildMetadataError) {
        do {
            self = try JSONDecoder().decode(BuildsIndex.self, from: Data(json))
        } catch {
            throw BuildMetadataError(source: source, message: "not a builds.json (schema-version, builds[id, arches]): \(error)")
        }
    }

    /// The newest build that has `arch`.
    public func newest(arch: String) -> Entry? {
        builds.first { $0.arches.contains(arch) }
    }
}

/// A build's metadata that Kiln cannot use, with the file and what is wrong.
public struct BuildMetadataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
