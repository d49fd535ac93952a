import Foundation
import KilnChecks
import KilnCore
import KilnHarness
import KilnLibvirt
import KilnPlatform
import KilnQEMU

/// What a run needs, all checked before anything is created or booted.
struct RunPlan {
    var build: LoadedBuild
    var tests: [RegisteredTest]
    /// Tests the denylist skips, already as reports.
    var skipped: [TestReport]
    /// Tests whose failure the denylist expects, with trackers.
    var knownFailures: [String: String]
    var consoleChecksWarnOnly: Bool
    var warnings: [String]
    var appended: [(config: IgnitionConfig, source: String)]
    var accelerator: Accelerator
    var acceleratorReason: String
    /// Tests at once; with `--parallel auto` on libvirt, the pool's slots replace it.
    var parallel: Int
    /// `--parallel auto`.
    var parallelAuto: Bool
    /// This machine's memory and CPUs, for machines that run here (not on libvirt).
    var budget: ResourceBudget
    var outputDirectory: String
    /// `--connect` for `--platform libvirt`.
    var libvirtHosts: [LibvirtHostArgument]
    /// The external tests the registry holds, for their replay bundles.
    var external: [ExternalTest]
    /// The stream the run is for, as tests and denylists see it.
    var stream: String?
    /// `--direct-kernel-boot`: the build's kernel, initramfs and command line (with `--kargs`).
    var directKernelBoot: DirectKernelBoot?
}

extension RunCommand {
    /// Checks every input; a bad one ends the run here (exit status 2), with nothing created.
    func prepare() async throws -> RunPlan {
        do {
            guard ["qemu", "libvirt"].contains(platform) else {
                throw InputError("--platform must be qemu or libvirt, got '\(platform)'")
            }
            var libvirtHosts: [LibvirtHostArgument] = []
            if platform == "libvirt" {
                do {
                    libvirtHosts = try (connect.isEmpty ? ["qemu:///system"] : connect).map(LibvirtHostArgument.init(parsing:))
                } catch { throw InputError("\(error)") }
            } else if !connect.isEmpty {
                throw InputError("--connect is for --platform libvirt")
            }
            guard let request = AcceleratorRequest(rawValue: accel) else {
                throw InputError("--accel must be auto, kvm or tcg, got '\(accel)'")
            }
            if let memory, memory < 256 { throw InputError("--memory must be at least 256 (MiB), got \(memory)") }
            guard multiply >= 1 else { throw InputError("--multiply must be at least 1, got \(multiply)") }
            let budget = ResourceBudget(totalMemoryMiB: HostResources.availableMemoryMiB(), totalCPUs: HostResources.cpus())
            let parallelCount = try RunSession.parallelCount(parallel, cpus: budget.totalCPUs)
            // External tests named with -E first: a malformed header is reported before the build is looked at.
            let named = try ExternalTestDiscovery(all: externalDirectories)
            var external = named.tests
            var warnings = named.warnings
            let appended = try await loadAppendedConfigs()
            let buildPath = build ?? ProcessInfo.processInfo.environment["KILN_BUILD"] ?? ".work/builds"
            let metaPath: String
            do {
                metaPath = try LoadedBuild.locate(buildPath)
            } catch {
                // Without a build only the built-in and -E tests are known; a pattern matching none
                // of them is the likelier mistake.
                _ = try TestSelection(patterns: patterns, target: RunTarget(platform: "qemu"))
                    .checkPatterns(in: try BuiltinTests.registry().metadata + external.map(\.testMetadata))
                throw error
            }
            let repository = ignoreConfigRepository ? nil : LoadedBuild.configRepository(ofMeta: metaPath)
            if let repository {
                let found = try ExternalTestDiscovery("config=\(repository)")
                external += found.tests
                warnings += found.warnings
            }
            let registry = try TestRegistry(BuiltinTests.registry().tests + external.map { try $0.registeredTest() })
            _ = try TestSelection(patterns: patterns, target: RunTarget(platform: "qemu")).checkPatterns(in: registry.metadata)
            let loaded = try LoadedBuild.load(from: metaPath)
            try RunSession.checkSameBuild(loaded, expected: expectImageSHA256)
            if !kernelBoot.kernelArguments.isEmpty, !kernelBoot.directKernelBoot {
                throw InputError("--kargs needs --direct-kernel-boot in kiln run: the machines boot from their disk, whose boot loader has its own command line (a test's Ignition config can ask for kernelArguments)")
            }
            let directKernelBoot = try kernelBoot.directKernelBoot(for: loaded)
            let target = RunTarget(platform: "qemu", architecture: loaded.metadata.architecture,
                                   stream: stream ?? loaded.metadata.stream, firmware: loaded.image.firmware.rawValue,
                                   distro: loaded.metadata.distro)

            let selected = try TestSelection(patterns: patterns, tags: tags, target: target).select(from: registry.metadata)
            var tests = selected.compactMap { registry.test(named: $0.name) }.flatMap { $0.multiplied(multiply) }
            if let shard {
                let part = try Shard(shard)
                tests = part.take(tests)
                if tests.isEmpty { throw InputError("shard \(part) of the selection is empty") }
            }
            // On libvirt the machines run on the hosts: the pool checks what fits there, once it knows them.
            for test in tests where platform != "libvirt" {
                let request = ResourceRequest(test: test, memoryOverrideMiB: memory)
                if budget.exceedsHost(request) {
                    throw InputError("\(test.metadata.name) needs \(request.memoryMiB) MiB for its machines; this host can give \(budget.totalMemoryMiB) MiB")
                }
            }

            var skipped: [TestReport] = []
            var knownFailures: [String: String] = [:]
            var consoleChecksWarnOnly = self.consoleChecksWarnOnly
            let today = DenylistDate.today()
            tests = tests.filter { test in
                guard let found = external.first(where: { $0.name == test.metadata.name }) else { return true }
                if let graceEnds = found.metadata.graceEnds, today < graceEnds {
                    knownFailures[test.metadata.name] = "new test (creationDate \(found.metadata.creationDate.map { "\($0)" } ?? "")): its failures only warn until \(graceEnds)"
                }
                guard let reason = found.unsupportedReason else { return true }
                skipped.append(TestReport(name: test.metadata.name, result: .skip, duration: .zero, error: reason, output: "",
                                          machines: []))
                return false
            }
            // A directly booted machine gets the same command line, ignition.firstboot included,
            // on every boot: a reboot would run Ignition again. Tests known to reboot are skipped.
            if directKernelBoot != nil {
                tests = tests.filter { test in
                    guard test.metadata.tags.contains("reboot") else { return true }
                    skipped.append(TestReport(name: test.metadata.name, result: .skip, duration: .zero,
                                              error: DirectKernelBoot.rebootRefusal, output: "", machines: []))
                    return false
                }
            }
            // kola reads the config repository's denylist; --denylist replaces it.
            let configDenylist = repository.map { "\($0)/kola-denylist.yaml" }
                .flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
            if let denylist = denylist ?? configDenylist {
                let list = try loadDenylist(denylist)
                for entry in list.expiredEntries(today: today) {
                    warnings.append("\(denylist): the snooze of '\(entry.pattern)' (\(entry.tracker)) ended on \(entry.snooze.map { "\($0)" } ?? "?"); it no longer applies")
                }
                if target.stream == nil, list.hasStreamScopedEntries {
                    warnings.append("\(denylist): the build names no stream (use --stream): stream-scoped entries do not apply")
                }
                if list.skipsConsoleWarnings(stream: target.stream, arch: target.architecture ?? "", platform: target.platform) {
                    consoleChecksWarnOnly = true
                }
                tests = tests.filter { test in
                    guard let match = list.match(test: test.metadata.name, stream: target.stream, arch: target.architecture ?? "",
                                                 platform: target.platform, today: today)
                    else { return true }
                    switch match.action {
                    case .skip:
                        skipped.append(TestReport(name: test.metadata.name, result: .skip, duration: .zero,
                                                  error: "denylisted: \(match.entry.tracker)", output: "", machines: [],
                                                  tracker: match.entry.tracker))
                        return false
                    case .warn:
                        knownFailures[test.metadata.name] = match.entry.tracker
                        return true
                    }
                }
            }
            let (accelerator, reason) = HostProbe.virtualization().choose(request)
            let output = outputDir ?? RunOutputDirectory.defaultPath(prefix: platform)
            try RunOutputDirectory.check(output)
            return RunPlan(build: loaded, tests: tests, skipped: skipped, knownFailures: knownFailures,
                           consoleChecksWarnOnly: consoleChecksWarnOnly, warnings: warnings, appended: appended,
                           accelerator: accelerator, acceleratorReason: reason, parallel: max(1, min(parallelCount, tests.count)),
                           parallelAuto: parallel == "auto", budget: budget, outputDirectory: output, libvirtHosts: libvirtHosts,
                           external: external, stream: target.stream, directKernelBoot: directKernelBoot)
        } catch let error as RegistryError {
            throw Self.fail("\(error)", status: 2)
        } catch let error as InputError {
            throw Self.fail(error.message, status: 2)
        } catch let error as SelectionError {
            throw Self.fail("\(error)", status: 2)
        } catch let error as ConfigError {
            throw Self.fail("\(error)", status: 2)
        } catch let error as BuildMetadataError {
            throw Self.fail("\(error)", status: 2)
        } catch let error as DenylistError {
            throw Self.fail("\(error)", status: 2)
        }
    }

    private func loadAppendedConfigs() async throws -> [(config: IgnitionConfig, source: String)] {
        var loader = ConfigLoader()
        if let filesDir {
            do { loader.filesDirectory = try FilesDirectory(filesDir) } catch { throw InputError("\(error)") }
        }
        let inputs = appendIgnition.map { ($0, ConfigFormat.ignition, "--append-ignition") }
            + appendButane.map { ($0, ConfigFormat.butane, "--append-butane") }
        let appended = try inputs.map { path, format, option -> (config: IgnitionConfig, source: String) in
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw InputError("\(path): cannot read the file (\(option))")
            }
            let loaded = try loader.load(text: String(decoding: bytes, as: UTF8.self), source: path, format: format)
            return (try loaded.accepted(allowWarnings: allowConfigWarnings), path)
        }
        for path in appendIgnition {
            if let rejection = await MachineConfigRenderer.ignitionValidate(path) {
                throw InputError("\(path): Ignition rejects this config (ignition-validate):\n\(rejection)")
            }
        }
        return appended
    }

    private func loadDenylist(_ path: String) throws -> Denylist {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw InputError("\(path): cannot read the file (--denylist)")
        }
        return try Denylist(parsing: String(decoding: bytes, as: UTF8.self), source: path)
    }
}
