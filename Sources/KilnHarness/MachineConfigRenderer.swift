import Foundation
public import KilnCore
public import KilnPlatform

/// Turns a test's config into the one a machine boots with: Kiln's SSH key added for the login
/// user, the spec version checked against what the image's Ignition accepts, and the result
/// checked by Ignition's own validator when it is installed.
public struct MachineConfigRenderer: Sendable {
    public let image: BootImage
    public let sshPublicKey: String
    /// Configs given with `--append-ignition`, merged into every machine's config, with their files.
    public let appended: [(config: IgnitionConfig, source: String)]

    public init(image: BootImage, sshPublicKey: String, appended: [(config: IgnitionConfig, source: String)] = []) {
        self.image = image
        self.sshPublicKey = sshPublicKey
        self.appended = appended
    }

    /// The config for a machine of `testName`: the test's own, with the appended configs merged
    /// in by Ignition's rules, plus Kiln's key for the login user and the journal-stream unit, converted down to the newest
    /// spec the image's Ignition accepts when it is newer (or refused, naming the field that
    /// spec lacks).
    /// Without `addingKey` (a test's `noSSHKey` flag), the config gets no key from Kiln.
    /// `kernelArguments` (the test's machine option) go to Ignition's `kernelArguments.shouldExist`.
    public func render(_ config: IgnitionConfig?, testName: String, addingKey: Bool = true,
                       kernelArguments: [String] = []) throws(ConfigError) -> IgnitionConfig {
        var combined = config ?? .empty(version: defaultVersion)
        for (extra, _) in appended {
            combined = combined.merged(with: extra)
        }
        if !kernelArguments.isEmpty {
            // kernelArguments came in spec 3.3.0.
            combined = try combined.converted(to: max(combined.version, .v3_3), source: "config of \(testName)")
                .merged(withSections: [JSONMember(key: "kernelArguments", value: .object([
                    JSONMember(key: "shouldExist", value: .array(kernelArguments.map(JSONValue.string)))
                ]))])
        }
        if addingKey {
            combined = combined.addingSSHAuthorizedKeys([sshPublicKey], forUser: image.loginUser)
        }
        combined = JournalStream.adding(to: combined)
        if let maximum = image.ignitionSpecMax, combined.version > maximum {
            let target = IgnitionSpecVersion.validatorVersions.last { $0 <= maximum } ?? maximum
            let sources = ["config of \(testName)"] + appended.map(\.source)
            combined = try combined.converted(
                to: target, source: sources.joined(separator: " + ") + " (for an image accepting at most \(maximum))")
        }
        return combined
    }

    /// `config` with a systemd-networkd unit giving the machine's private-network NIC its address.
    public func addingPrivateNetwork(_ port: PrivateNetwork.Port, to config: IgnitionConfig) -> IgnitionConfig {
        let unit = JSONValue.object([
            JSONMember(key: "path", value: "/etc/systemd/network/10-kiln-private.network"),
            JSONMember(key: "mode", value: .number("420")),
            JSONMember(key: "contents", value: .object([
                JSONMember(key: "source", value: .string(makeDataURL(Array(PrivateNetwork.networkdUnit(for: port).utf8))))
            ])),
        ])
        return config.merged(withSections: [
            JSONMember(key: "storage", value: .object([JSONMember(key: "files", value: .array([unit]))])),
        ])
    }

    /// The newest stable spec the image accepts (3.3.0 when it does not say).
    private var defaultVersion: IgnitionSpecVersion {
        let maximum = image.ignitionSpecMax ?? IgnitionSpecVersion(major: 3, minor: 3)
        return IgnitionSpecVersion.stableVersions.last { $0 <= maximum } ?? .init(major: 3, minor: 0)
    }

    /// Runs `ignition-validate` on `path`. Returns nil when it accepts the file (or cannot judge
    /// it: not installed, or older than the config's spec), else Ignition's own error text.
    public static func ignitionValidate(_ path: String) async -> String? {
        guard findExecutable("ignition-validate") != nil,
            let result = try? await runHostCommand("ignition-validate", [path])
        else { return nil }
        if result.status.succeeded { return nil }
        let text = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("unsupported config version") { return nil }
        return text
    }
}
