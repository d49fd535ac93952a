import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnSSH

/// What `kiln spawn` boots, all checked before anything is created.
struct SpawnPlan {
    var build: LoadedBuild
    var count: Int
    var memoryMiB: Int
    var accelerator: Accelerator
    /// The session's key: its public half is in `config`.
    var key: SSHKeyPair
    /// Every machine's config: the `--config` files merged, Kiln's key, `--kargs` (unless
    /// they are on the direct kernel boot's command line).
    var config: IgnitionConfig
    /// `--direct-kernel-boot`: the build's kernel, initramfs and command line (with `--kargs`).
    var directKernelBoot: DirectKernelBoot?

    /// Distributions whose Ignition applies `kernelArguments` (with `rdcore kargs`, then a reboot).
    static let kernelArgumentDistros: Set = ["fcos", "rhcos", "scos"]
}

extension SpawnCommand {
    /// Checks every input; a bad one ends `kiln spawn` here (exit status 2), with nothing created.
    func prepare() async throws -> SpawnPlan {
        do {
            guard platform == "qemu" else {
                throw InputError(platform == "libvirt"
                    ? "kiln spawn boots machines under QEMU only (--platform qemu); libvirt domains are not supported"
                    : "--platform must be qemu, got '\(platform)'")
            }
            guard count >= 1 else { throw InputError("-n/--count must be at least 1, got \(count)") }
            if let memory, memory < 256 { throw InputError("--memory must be at least 256 (MiB), got \(memory)") }
            guard let request = AcceleratorRequest(rawValue: accel) else {
                throw InputError("--accel must be auto, kvm or tcg, got '\(accel)'")
            }
            let memoryMiB = memory ?? 1024
            let needed = count * (memoryMiB + ResourceRequest.qemuOverheadMiB)
            let available = HostResources.availableMemoryMiB()
            if needed > available {
                throw InputError("\(count) machine(s) of \(memoryMiB) MiB need \(needed) MiB with QEMU's overhead; this host can give \(available) MiB")
            }
            let configs = try await loadConfigs()
            let buildPath = build ?? ProcessInfo.processInfo.environment["KILN_BUILD"] ?? ".work/builds"
            let loaded = try LoadedBuild.load(from: buildPath)
            let directKernelBoot = try kernelBoot.directKernelBoot(for: loaded)
            // Booted directly, the kernel gets --kargs on its command line; else only Ignition can.
            let arguments = directKernelBoot == nil ? kernelBoot.extraArguments : []
            if !arguments.isEmpty { try Self.checkKernelArguments(for: loaded) }
            let key = SSHKeyPair.generateEd25519(comment: "kiln-spawn-\(getpid())")
            let renderer = MachineConfigRenderer(image: loaded.image, sshPublicKey: key.publicKeyLine, appended: configs)
            let config = try renderer.render(nil, testName: "kiln spawn", addingKey: true, kernelArguments: arguments)
            let findings = IgnitionValidator.validate(try JSONDocument(parsing: config.rendered))
            if findings.containsError || (!allowConfigWarnings && !findings.isEmpty) {
                let sources = configs.map(\.source).joined(separator: " + ")
                throw InputError("the merged config (\(sources.isEmpty ? "Kiln's own" : sources)) is not one Ignition accepts cleanly:\n"
                                 + findings.map { "  \($0)" }.joined(separator: "\n"))
            }
            let (accelerator, _) = HostProbe.virtualization().choose(request)
            return SpawnPlan(build: loaded, count: count, memoryMiB: memoryMiB, accelerator: accelerator, key: key, config: config,
                             directKernelBoot: directKernelBoot)
        } catch let error as InputError {
            throw RunCommand.fail(error.message, status: 2)
        } catch where error is ConfigError || error is BuildMetadataError || error is JSONSyntaxError || error is ReplayError {
            throw RunCommand.fail("\(error)", status: 2)
        }
    }

    /// The `--config` files: Butane (`.bu`, `.yaml`) translated, Ignition checked, each by
    /// Kiln's validator and (Ignition files) by `ignition-validate`.
    private func loadConfigs() async throws -> [(config: IgnitionConfig, source: String)] {
        var loader = ConfigLoader()
        if let filesDir {
            do { loader.filesDirectory = try FilesDirectory(filesDir) } catch { throw InputError("\(error)") }
        }
        var loaded: [(config: IgnitionConfig, source: String)] = []
        for path in configs {
            if path.hasSuffix(".tar") {
                loaded.append(try await Self.replayedConfig(path, allowWarnings: allowConfigWarnings))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let bytes = FileManager.default.contents(atPath: path)
            else {
                throw InputError("\(path): cannot read the file (--config): \(FileManager.default.fileExists(atPath: path) ? "not a readable file" : "no such file")")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let format = ConfigFormat.detect(path: path, text: text)
            let config = try loader.load(text: text, source: path, format: format).accepted(allowWarnings: allowConfigWarnings)
            if format == .ignition, let rejection = await MachineConfigRenderer.ignitionValidate(path) {
                throw InputError("\(path): Ignition rejects this config (ignition-validate):\n\(rejection)")
            }
            loaded.append((config, path))
        }
        return loaded
    }

    /// A failed test's `replay.tar` as a config: the one its first machine booted with (the
    /// test's own config, the run's appended ones and Kiln's additions, rendered), so that a
    /// developer gets that machine to work on.
    static func replayedConfig(_ path: String, allowWarnings: Bool) async throws -> (config: IgnitionConfig, source: String) {
        let unpacked = try await ReplayBundleReader.unpack(path)
        defer { unpacked.remove() }
        guard let machine = unpacked.manifest.machines.first, machine.files.contains("config.ign"),
            let bytes = FileManager.default.contents(atPath: "\(unpacked.directory)/\(machine.directory)/config.ign")
        else { throw InputError("\(path): the bundle of \(unpacked.manifest.test.name) holds no machine config") }
        let source = "\(path) (\(machine.id)'s config.ign)"
        let config = try ConfigLoader().load(text: String(decoding: bytes, as: UTF8.self), source: source, format: .ignition)
        return (try config.accepted(allowWarnings: allowWarnings), source)
    }

    /// Without `--direct-kernel-boot`, `--kargs` reach a machine only through Ignition's
    /// `kernelArguments`: Kiln boots the build's disk through its firmware and boot loader, so
    /// QEMU has no command line to add them to. Builds whose Ignition does not apply them are
    /// refused here rather than booted without them (or, on the reference guest, failing in
    /// Ignition's kargs stage).
    static func checkKernelArguments(for build: LoadedBuild) throws {
        let metadata = build.metadata
        guard !SpawnPlan.kernelArgumentDistros.contains(metadata.distro) else { return }
        throw InputError("""
            --kargs: \(metadata.name) \(metadata.buildID) boots from its disk through \(build.image.firmware == .uefi ? "UEFI and its boot loader" : "its boot loader") \
            (without --direct-kernel-boot), so extra kernel arguments can only be given to Ignition as kernelArguments.shouldExist, \
            and this build's Ignition does not apply them (Debian's Ignition has no kargs helper: its ignition-kargs stage fails the boot). \
            Use --direct-kernel-boot to put them on the kernel command line; without it, kernel arguments work with Fedora CoreOS, RHCOS and SCOS builds
            """)
    }
}
