import ArgumentParser
import Foundation
import KilnCore
import KilnHarness
import KilnPlatform

/// `kiln replay replay.tar`: a failed test again, from its bundle, on this machine.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a failed test again from its replay.tar, on this machine.",
        discussion: """
            The bundle names the build and its image's sha256: this machine needs the same build, in the work \
            directory's build store (kiln builds import) or named with --build. The test runs with the configs, \
            machine options and stream of the failed run (an external test from the bundle's copy of its files), \
            then Kiln says whether it ended as it did there. Exit status: that of the run (0 passed, 1 failed); \
            2 when the bundle or the build does not fit.
            """)

    @Argument(help: "The failed test's replay.tar.")
    var bundle: String

    @Option(help: "The build to run it on (a meta.json, its directory or a builds/ directory). Default: the bundle's build in the work directory's store.")
    var build: String?

    @Option(help: "Where the run's artifacts and reports go. Default: _kiln/replay-<time>-<pid>.")
    var outputDir: String?

    @Option(help: "Accelerator: auto (KVM only where it really runs guests), kvm or tcg.")
    var accel: String = "auto"

    @Flag(help: "Keep the machine up if the test fails again, for kiln ssh, until Ctrl-C or kiln destroy (kiln run --keep-failed).")
    var keep = false

    @Flag(name: .shortAndLong, help: "Log machine lifecycle events to standard error.")
    var verbose = false

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        let unpacked = try await exitingOnError { try await ReplayBundleReader.unpack(bundle) }
        defer { unpacked.remove() }
        let manifest = unpacked.manifest
        var command = try exitingOnError { () throws -> RunCommand in
            let metaPath = try buildPath(for: manifest.build)
            return try RunCommand.parse(arguments(manifest: manifest, unpacked: unpacked, metaPath: metaPath))
        }
        print("kiln: replaying \(manifest.test.name) of build \(manifest.build.id), which ended \(manifest.result.rawValue) on \(manifest.platform) with Kiln \(manifest.kilnVersion)")
        if manifest.kilnVersion != Kiln.version {
            print("kiln: warning: the bundle was written by Kiln \(manifest.kilnVersion); this is Kiln \(Kiln.version)")
        }
        fflush(nil)
        let output = command.outputDir ?? RunOutputDirectory.defaultPath(prefix: "replay")
        command.outputDir = output
        do {
            try await command.run()
            say(manifest, output: output)
        } catch let exit as ExitCode {
            if exit.rawValue != 2 { say(manifest, output: output) }
            throw exit
        }
    }

    /// The `kiln run` arguments that repeat the bundle's test.
    func arguments(manifest: ReplayManifest, unpacked: ReplayBundleReader.Unpacked, metaPath: String) throws -> [String] {
        var arguments = ["--build", metaPath, "--expect-image-sha256", manifest.build.imageSHA256, "--parallel", "1",
                         "--ignore-config-repository", "--accel", accel, "--workdir", workdir.path]
        if let outputDir { arguments += ["--output-dir", outputDir] }
        if let memory = manifest.memoryOverrideMiB { arguments += ["--memory", "\(memory)"] }
        if let stream = manifest.stream { arguments += ["--stream", stream] }
        if manifest.consoleChecksWarnOnly { arguments.append("--console-checks-warn-only") }
        if let kargs = manifest.directKernelBootArguments {
            arguments.append("--direct-kernel-boot")
            for karg in kargs { arguments += ["--kargs", karg] }
        }
        if verbose { arguments.append("--verbose") }
        if keep { arguments.append("--keep-failed") }
        for appended in manifest.appendedConfigs {
            arguments += ["--append-ignition", "\(unpacked.directory)/\(appended.file)"]
        }
        if let project = manifest.externalProject {
            arguments += ["-E", "\(project)=\(unpacked.directory)/external/\(project)"]
        }
        if let tag = manifest.test.requiredTag { arguments += ["--tag", tag] }
        return arguments + [Glob.escaped(manifest.test.name)]
    }

    /// The bundle's build on this machine: --build, else the build of that version in the work
    /// directory's store, else in `$KILN_BUILD` or `.work/builds` (where `kiln run` looks).
    private func buildPath(for build: BuildReference) throws -> String {
        if let path = self.build { return try LoadedBuild.locate(path) }
        let runDefault = ProcessInfo.processInfo.environment["KILN_BUILD"] ?? ".work/builds"
        let candidates = ["\(workdir.path)/builds", runDefault].map { "\($0)/\(build.id)/\(build.architecture)/meta.json" }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw ReplayError("this machine has no build \(build.id) (\(build.architecture)): looked for \(candidates.joined(separator: " and ")); import the build with `kiln builds import DIR`, or name it with --build")
    }

    private func say(_ manifest: ReplayManifest, output: String) {
        guard let data = FileManager.default.contents(atPath: "\(output)/report.json"),
            let report = try? JSONDecoder().decode(RunReport.self, from: data),
            let test = report.tests.first(where: { $0.name == manifest.test.name })
        else { return }
        let verdict = test.result == manifest.result ? "the same" : test.result.isSuccess ? "it did not fail here" : "it fails differently"
        print("kiln: replay of \(manifest.test.name): \(test.result.rawValue) here, \(manifest.result.rawValue) in the bundle's run (\(verdict))")
        if let error = test.error { print("kiln: here it said: \(error.split(separator: "\n").first ?? "")") }
        if let error = manifest.error { print("kiln: the bundle's run said: \(error.split(separator: "\n").first ?? "")") }
    }
}
