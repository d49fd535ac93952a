import Foundation
import KilnCore
import KilnHarness

/// Writes a `replay.tar` for each test of a finished run that failed or timed out.
struct ReplayBundles {
    let plan: RunPlan
    let report: RunReport
    let memoryOverrideMiB: Int?
    /// `--kargs` of a run with `--direct-kernel-boot`; nil without it.
    let directKernelBootArguments: [String]?
    let printer: ProgressPrinter

    /// Writes the bundles; one that cannot be written is a warning, not the run's failure.
    func writeAll() async {
        let failed = report.tests.filter { [.fail, .timeout].contains($0.result) && !RerunSelection.isSharedMachineEntry($0.name) }
        var written: [String] = []
        for test in failed {
            guard let registered = plan.tests.first(where: { $0.metadata.name == test.name }) else { continue }
            do {
                let path = try await write(test, registered: registered)
                written.append(path)
            } catch {
                printer.say("kiln: warning: no replay bundle for \(test.name): \(error)")
            }
        }
        if let first = written.first {
            printer.say("kiln: \(written.count) replay bundle(s); to run a failed test again, on this machine or another with the build: kiln replay \(first)")
        }
    }

    private func write(_ test: TestReport, registered: RegisteredTest) async throws -> String {
        let external = plan.external.first { $0.name == registered.metadata.name }
        var identity: (sha256: String?, revision: String?) = (nil, nil)
        if let external { identity = await ReplayBundle.scriptIdentity(of: external) }
        var manifest = ReplayManifest(
            test: registered.metadata, testSource: external?.script ?? registered.location, build: report.build,
            kilnVersion: report.version, platform: report.platform, accelerator: report.accelerator, stream: plan.stream,
            memoryOverrideMiB: memoryOverrideMiB, consoleChecksWarnOnly: plan.consoleChecksWarnOnly,
            appendedConfigs: plan.appended.enumerated().map { .init(file: "appended/\($0.offset).ign", source: $0.element.source) },
            attempt: test.attempts, result: test.result, error: test.error,
            runOrder: plan.tests.map(\.metadata.name), parallel: plan.parallel,
            ranBeside: ReplayBundle.ranBeside(test, in: report.tests), invocation: report.invocation, machines: [])
        manifest.testScriptSHA256 = identity.sha256
        manifest.testRevision = identity.revision
        manifest.externalProject = external?.project
        manifest.directKernelBootArguments = directKernelBootArguments
        return try await ReplayBundle.write(manifest: manifest, report: test, source: .init(test: registered, external: external),
                                            appended: plan.appended.map(\.config), runDirectory: plan.outputDirectory)
    }
}
