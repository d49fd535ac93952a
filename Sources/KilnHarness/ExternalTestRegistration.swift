import Foundation
public import KilnCore

/// An external test as the registry, selection and the runner see it.
extension ExternalTest {
    /// How long the harness gives an exclusive test beyond its script's `timeoutMin`: booting,
    /// the health check, uploading, collecting.
    static let exclusiveAllowance: Duration = .seconds(600)
    /// The same for a test on a shared machine, which is already up.
    static let sharedAllowance: Duration = .seconds(120)

    /// The test's metadata: kola's defaults (`timeoutMin` 10, or 1 for a non-exclusive test;
    /// tag `external`), `conflicts` naming tests of the same project by their short name too.
    public var testMetadata: TestMetadata {
        let minutes = metadata.timeoutMinutes ?? (metadata.exclusive ? 10 : 1)
        let conflicts = metadata.conflicts.flatMap { entry in
            entry.hasPrefix("ext.") ? [entry] : [entry, "ext.\(project).\(entry)"]
        }
        var result = TestMetadata(
            name: name, description: metadata.description, timeout: .seconds(minutes * 60),
            tags: metadata.tags + (metadata.tags.contains("external") ? [] : ["external"]), requiredTag: metadata.requiredTag,
            constraints: TestConstraints(platforms: metadata.platforms.allow, excludePlatforms: metadata.platforms.deny,
                                         architectures: metadata.architectures.allow,
                                         excludeArchitectures: metadata.architectures.deny,
                                         streams: metadata.streams.allow, excludeStreams: metadata.streams.deny,
                                         distros: metadata.distros.allow, excludeDistros: metadata.distros.deny),
            flags: TestFlags(allowConfigWarnings: metadata.allowConfigWarnings),
            machine: MachineOptions(memoryMiB: max(1024, metadata.minMemoryMiB ?? 1024),
                                    additionalDisksGiB: metadata.additionalDisks.compactMap(Self.gibibytes),
                                    additionalNICs: metadata.additionalNics,
                                    kernelArguments: (metadata.appendKernelArgs ?? "").split(whereSeparator: \.isWhitespace).map(String.init)),
            exclusive: metadata.exclusive)
        result.conflicts = conflicts
        return result
    }

    /// Why Kiln cannot run this test as its header asks, or nil when it can: such a test is
    /// reported as skipped, with this reason, instead of running differently than written.
    public var unsupportedReason: String? {
        if let arguments = metadata.appendFirstbootKernelArgs {
            return "appendFirstbootKernelArgs (\(arguments)) is not supported: Kiln does not edit the image's first-boot kernel command line"
        }
        if let size = metadata.minDiskGB {
            return "minDisk (\(size) GB) is not supported: machines boot the build's image at its own size"
        }
        if let spec = metadata.additionalDisks.first(where: { Self.gibibytes($0) == nil }) {
            return "additionalDisks entry '\(spec)' is not supported: Kiln attaches plain virtio disks sized in whole GiB (such as 5G)"
        }
        return nil
    }

    /// `5G` as 5; nil for kola's other disk specs (`:mpath`, `:channel=nvme`, other units).
    static func gibibytes(_ spec: String) -> Int? {
        guard spec.hasSuffix("G"), let size = Int(spec.dropLast()), size > 0 else { return nil }
        return size
    }

    /// The test as the runner runs it: the machine config is `config.bu`/`config.ign` beside
    /// the script (Butane's local files come from the script's directory), the body runs the
    /// script in the guest (``ExternalScriptRun``) and enforces `timeoutMin` on it itself.
    /// - Throws: `ConfigError` for a config that does not load or is not accepted cleanly.
    public func registeredTest() throws(ConfigError) -> RegisteredTest {
        var config: IgnitionConfig?
        if let path = self.config {
            var loader = ConfigLoader()
            let directory = (path as NSString).deletingLastPathComponent
            do {
                loader.filesDirectory = try FilesDirectory(directory)
            } catch {
                throw ConfigError(source: directory, position: nil, path: nil, message: "\(error)")
            }
            config = try loader.load(path: path).accepted(allowWarnings: metadata.allowConfigWarnings,
                                                          allowHint: "allowConfigWarnings: true in \(script)")
        }
        let metadata = testMetadata
        let test = self
        var registered = RegisteredTest(metadata, config: config, location: script) { context in
            try await ExternalScriptRun(test: test, context: context, limit: metadata.timeout).run()
        }
        registered.setupAllowance = metadata.exclusive ? Self.exclusiveAllowance : Self.sharedAllowance
        return registered
    }
}
