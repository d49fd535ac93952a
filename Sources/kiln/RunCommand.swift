import ArgumentParser
import Foundation
import KilnChecks
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnSSH
import Logging

/// `kiln run`: boots the build's image for each selected test, runs it, writes `report.json`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run tests against a build.",
        discussion: "Exit status: 0 when every test passed, 1 when one failed or timed out, 2 for bad input, 130/143 when interrupted.")

    @Argument(help: "Test name patterns (shell globs); all tests when none is given.")
    var patterns: [String] = []

    @Option(help: "The build: a meta.json, its directory, a builds/ directory (newest build) or a cosa work dir. Default: $KILN_BUILD, else .work/builds.")
    var build: String?

    @Option(help: "Where the run's artifacts and report.json go. Default: _kiln/qemu-<time>-<pid>.")
    var outputDir: String?

    @Option(help: "How many tests run at once: a number, or auto (the host's CPU count).")
    var parallel: String = "auto"

    @Option(help: "Accelerator: auto (KVM only where it really runs guests), kvm or tcg.")
    var accel: String = "auto"

    @Option(name: .customLong("tag"), help: "Run tests with this tag; '!tag' excludes. Repeatable.")
    var tags: [String] = []

    @Option(name: .customLong("append-ignition"), help: "An Ignition config merged into every machine's config. Repeatable.")
    var appendIgnition: [String] = []

    @Option(name: .customLong("append-butane"), help: "A Butane config merged into every machine's config. Repeatable.")
    var appendButane: [String] = []

    @Option(help: "The directory `local` files and trees of --append-butane configs are read from.")
    var filesDir: String?

    @Flag(help: "Accept appended configs that Ignition would only warn about (unknown or too-new keys).")
    var allowConfigWarnings = false

    @Option(help: "Memory per machine in MiB (default: each test's own, 1024).")
    var memory: Int?

    @Flag(name: .shortAndLong, help: "Log machine lifecycle events to standard error.")
    var verbose = false

    @Flag(help: "Log everything, including SSH readiness polling.")
    var debug = false

    func run() async throws {
        let logLevel: Logger.Level = debug ? .debug : verbose ? .info : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "kiln")
        let plan = try await prepare()
        let printer = ProgressPrinter()
        printer.say("kiln: build \(plan.build.metadata.buildID) (\(plan.build.metadata.name), \(plan.build.metadata.architecture)), image sha256 verified")
        printer.say("kiln: accelerator \(plan.accelerator.rawValue): \(plan.acceleratorReason)")
        try ArtifactDirectory.create(plan.outputDirectory)
        linkLatest(plan.outputDirectory)
        printer.say("kiln: \(plan.tests.count) test(s), \(plan.parallel) at a time; output in \(plan.outputDirectory)")

        let key = SSHKeyPair.generateEd25519(comment: "kiln-\(getpid())")
        let platform = try QEMUPlatform(image: plan.build.image, accelerator: plan.accelerator, sshKey: key, logger: logger)
        let renderer = MachineConfigRenderer(image: plan.build.image, sshPublicKey: key.publicKeyLine, appended: plan.appended)
        let runner = TestRunner(platform: platform, renderer: renderer, outputDirectory: plan.outputDirectory,
                                parallel: plan.parallel, logger: logger, observer: printer)
        let startedAt = ISO8601DateFormatter().string(from: Date())
        let clock = ContinuousClock.now
        let tests = plan.tests
        let (reports, signal) = try await withSignalCancellation { await runner.run(tests) }

        let report = RunReport(
            platform: platform.name, version: Kiln.version,
            build: BuildReference(id: plan.build.metadata.buildID, name: plan.build.metadata.name,
                                  architecture: plan.build.metadata.architecture, imageSHA256: plan.build.imageSHA256),
            accelerator: plan.accelerator.rawValue, startedAt: startedAt,
            durationSeconds: (ContinuousClock.now - clock).seconds, tests: reports)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(report).write(to: URL(fileURLWithPath: "\(plan.outputDirectory)/report.json"), options: .atomic)

        let timedOut = report.count(.timeout)
        let summary = "\(report.count(.pass)) passed, \(report.count(.fail) + timedOut) failed"
            + (timedOut > 0 ? " (\(timedOut) timed out)" : "") + (report.count(.skip) > 0 ? ", \(report.count(.skip)) skipped" : "")
        printer.say("\(report.result.rawValue): \(summary); report in \(plan.outputDirectory)/report.json")
        if let signal { throw ExitCode(128 + signal) }
        if report.result != .pass { throw ExitCode(1) }
    }

    /// What a run needs, all checked before anything is created or booted.
    struct Plan {
        var build: LoadedBuild
        var tests: [RegisteredTest]
        var appended: [(config: IgnitionConfig, source: String)]
        var accelerator: Accelerator
        var acceleratorReason: String
        var parallel: Int
        var outputDirectory: String
    }

    /// Checks every input; a bad one ends the run here, with nothing created.
    func prepare() async throws -> Plan {
        do {
            let registry = try BuiltinTests.registry()
            let selected = try TestSelection(patterns: patterns, tags: tags, platform: "qemu").select(from: registry.metadata)
            var tests = selected.compactMap { registry.test(named: $0.name) }
            if let memory {
                guard memory >= 256 else { throw InputError("--memory must be at least 256 (MiB), got \(memory)") }
                tests = tests.map { var test = $0; test.memoryMiB = memory; return test }
            }
            guard let request = AcceleratorRequest(rawValue: accel) else {
                throw InputError("--accel must be auto, kvm or tcg, got '\(accel)'")
            }
            let parallelCount: Int
            if parallel == "auto" {
                parallelCount = ProcessInfo.processInfo.activeProcessorCount
            } else if let n = Int(parallel), n >= 1 {
                parallelCount = n
            } else {
                throw InputError("--parallel must be a positive number or auto, got '\(parallel)'")
            }
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
            let buildPath = build ?? ProcessInfo.processInfo.environment["KILN_BUILD"] ?? ".work/builds"
            let loaded = try LoadedBuild.load(from: buildPath)
            let (accelerator, reason) = HostProbe.virtualization().choose(request)
            return Plan(build: loaded, tests: tests, appended: appended, accelerator: accelerator, acceleratorReason: reason,
                        parallel: min(parallelCount, tests.count), outputDirectory: outputDir ?? defaultOutputDirectory())
        } catch let error as InputError {
            throw fail(error.message, status: 2)
        } catch let error as SelectionError {
            throw fail("\(error)", status: 2)
        } catch let error as ConfigError {
            throw fail("\(error)", status: 2)
        } catch let error as BuildMetadataError {
            throw fail("\(error)", status: 2)
        }
    }

    private func fail(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("kiln: error: \(message)\n".utf8))
        return ExitCode(status)
    }

    private func defaultOutputDirectory() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "_kiln/qemu-\(formatter.string(from: Date()))-\(getpid())"
    }

    /// Points `<parent>/latest` at the run's directory.
    private func linkLatest(_ directory: String) {
        let parent = (directory as NSString).deletingLastPathComponent
        let latest = "\(parent.isEmpty ? "." : parent)/latest"
        if let existing = try? FileManager.default.destinationOfSymbolicLink(atPath: latest), !existing.isEmpty {
            try? FileManager.default.removeItem(atPath: latest)
        }
        try? FileManager.default.createSymbolicLink(atPath: latest, withDestinationPath: (directory as NSString).lastPathComponent)
    }
}

/// A command-line input Kiln cannot use.
struct InputError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
