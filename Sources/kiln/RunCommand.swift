import ArgumentParser
import Foundation
import KilnChecks
import KilnCore
import KilnHarness
import KilnLibvirt
import KilnPlatform
import KilnQEMU
import KilnResults
import KilnSSH
import Logging

/// `kiln run`: boots the build's image for each selected test, runs it, writes the reports.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run tests against a build.",
        discussion: """
            Exit status: 0 when every test passed (a FLAKE passes), 1 when one failed or timed out, 77 when \
            the only failures are known ones (WARN), 2 for bad input (nothing was started), 130/143 when interrupted.
            """)

    @Argument(help: "Test name patterns (shell globs); all tests when none is given.")
    var patterns: [String] = []

    @Option(name: [.customShort("E"), .customLong("exttest")],
            help: "Also run the external tests (scripts run in the guest) under this directory, as [NAME=]DIR; a build in a coreos-assembler work dir adds its src/config as kola does. Repeatable.")
    var externalDirectories: [String] = []

    @Option(help: "The build: a meta.json, its directory, a builds/ directory (newest build) or a cosa work dir. Default: $KILN_BUILD, else .work/builds.")
    var build: String?

    @Option(help: "Where the run's artifacts and reports go; must not exist or be empty. Default: _kiln/<platform>-<time>-<pid>.")
    var outputDir: String?

    @Option(help: "How many tests run at once: a number, or auto (this machine's CPUs; with --platform libvirt, the sum of the hosts' capacities). Memory and CPUs (on libvirt: each host's slots and memory) bound it further.")
    var parallel: String = "auto"

    @Option(help: "Where machines run: qemu (QEMU as Kiln's child) or libvirt (transient domains of --connect's daemon).")
    var platform: String = "qemu"

    @Option(help: "A libvirt host for --platform libvirt, as URI[,capacity=N][,ssh=[USER@]HOST[:PORT]] (N: machines at once; default from its CPUs and memory). Repeatable: tests spread over the hosts, and a host that fails is drained and its tests run again elsewhere. A remote host (qemu+ssh://HOST/system) gets a copy of the build's image, and Kiln reaches its guests through its SSH connection. Default: qemu:///system.")
    var connect: [String] = []

    @Option(help: "Accelerator: auto (KVM only where it really runs guests), kvm or tcg.")
    var accel: String = "auto"

    @Option(name: .customLong("tag"), help: "Run tests with this tag; '!tag' excludes. Repeatable.")
    var tags: [String] = []

    @Option(help: "The stream the build is for (testing, stable, ...), for test and denylist constraints. Default: the build's.")
    var stream: String?

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

    @OptionGroup var kernelBoot: KernelBootOptions

    @Option(help: "A denylist in kola's format (kola-denylist.yaml): matching tests are skipped, or only warn.")
    var denylist: String?

    @Flag(help: "Run failed tests once more in fresh machines; a pass then is reported as FLAKE.")
    var rerun = false

    @Option(help: "Run each selected test N times (named <name>0 ... <name>N-1), to hunt races.")
    var multiply: Int = 1

    @Option(help: "Run only part i of n of the selection (i/n, 1-based), for splitting a suite across CI jobs.")
    var shard: String?

    @Flag(help: "Keep the machines of failed tests running after the reports, for `kiln ssh`, until Ctrl-C, SIGTERM or `kiln destroy`.")
    var keepFailed = false

    @Flag(help: "Console and journal checks only warn instead of failing tests.")
    var consoleChecksWarnOnly = false

    @Flag(name: .shortAndLong, help: "Log machine lifecycle events to standard error.")
    var verbose = false

    @Flag(help: "Log everything, including SSH readiness polling.")
    var debug = false

    @Option(name: .customLong("expect-image-sha256"), help: .hidden)
    var expectImageSHA256: String?

    @Flag(help: .hidden)
    var ignoreConfigRepository = false

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        RunSession.bootstrapLogging(debug ? .debug : verbose ? .info : .warning)
        let logger = Logger(label: "kiln")
        var plan = try await prepare()
        let keeper = try keeperIfAsked()
        let printer = ProgressPrinter(total: plan.tests.count)
        printer.say("kiln: build \(plan.build.metadata.buildID) (\(plan.build.metadata.name), \(plan.build.metadata.architecture)), image sha256 verified")
        if let boot = plan.directKernelBoot {
            printer.say("kiln: direct kernel boot (kernel and initramfs sha256 verified): \(boot.commandLine)")
        }
        printer.say("kiln: accelerator \(plan.accelerator.rawValue): \(plan.acceleratorReason)")
        for warning in plan.warnings { printer.say("kiln: warning: \(warning)") }
        for skipped in plan.skipped { printer.say("--- SKIP: \(skipped.name) (\(skipped.error ?? "skipped"))") }
        try ArtifactDirectory.create(plan.outputDirectory)
        RunOutputDirectory.linkLatest(plan.outputDirectory)
        if self.platform != "libvirt" {
            printer.say("kiln: \(plan.tests.count) test(s), up to \(plan.parallel) at a time within \(plan.budget.totalMemoryMiB) MiB and \(plan.budget.totalCPUs) CPUs; output in \(plan.outputDirectory)")
        }

        let (key, identityFile) = RunSession.key(output: plan.outputDirectory)
        defer { if let identityFile { try? FileManager.default.removeItem(atPath: identityFile) } }
        let platform: any Platform
        do {
            switch self.platform {
            case "libvirt":
                let pool = try await libvirtPool(plan: plan, key: key, logger: logger)
                for member in pool.hosts {
                    let where_ = member.platform.access.isLocal ? "" : " on \(member.platform.access.name)"
                    let memory = member.room.memoryMiB.map { " within \($0) MiB" } ?? ""
                    printer.say("kiln: libvirt \(member.uri): up to \(member.capacity) machine(s)\(memory), \(member.platform.accelerator.rawValue), transient domains, work files in \(member.platform.runDirectory)\(where_)")
                }
                if let refusal = Self.neverFitting(plan.tests, on: pool, memoryOverrideMiB: memory) {
                    await pool.finish()
                    throw Self.fail(refusal, status: 2)
                }
                // The machines run on the hosts: their slots bound the run, not this machine's CPUs.
                if plan.parallelAuto { plan.parallel = max(1, min(pool.liveCapacity, plan.tests.count)) }
                printer.say("kiln: \(plan.tests.count) test(s), up to \(plan.parallel) at a time on \(pool.hosts.count) libvirt host(s) with \(pool.capacity) slot(s); output in \(plan.outputDirectory)")
                platform = pool
            default:
                platform = try QEMUPlatform(image: plan.build.image, accelerator: plan.accelerator, sshKey: key, logger: logger)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw Self.fail("\(error)", status: 2)
        }
        let renderer = MachineConfigRenderer(image: plan.build.image, sshPublicKey: key.publicKeyLine, appended: plan.appended)
        let options = RunOptions(parallel: plan.parallel, rerun: rerun, memoryOverrideMiB: memory,
                                 consoleChecksWarnOnly: plan.consoleChecksWarnOnly, knownFailures: plan.knownFailures,
                                 sshIdentityFile: identityFile, keeper: keeper, directKernelBoot: plan.directKernelBoot)
        // Every run is recorded as it happens, in the work directory's results database.
        let recorder: ResultsRecorder
        do {
            let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir.path))
            let metadata = plan.build.metadata
            recorder = try ResultsRecorder(
                database: database,
                run: RunStart(build: metadata.buildID, stream: stream ?? metadata.stream, arch: metadata.architecture,
                              platform: platform.name, kilnVersion: Kiln.version, outputDirectory: plan.outputDirectory),
                tags: Dictionary(plan.tests.map { ($0.metadata.name, $0.metadata.tags) }, uniquingKeysWith: { first, _ in first }),
                forwardingTo: printer, onError: { printer.say("kiln: warning: results database: \($0)") })
        } catch {
            await (platform as? LibvirtPool)?.finish()
            throw Self.fail("results database in \(workdir.path): \(error)", status: 2)
        }
        let runner = TestRunner(platform: platform, renderer: renderer, outputDirectory: plan.outputDirectory, options: options,
                                budget: plan.budget, logger: logger, observer: recorder)
        let startedAt = ISO8601DateFormatter().string(from: Date())
        let clock = ContinuousClock.now
        let tests = plan.tests
        let (ran, signal) = try await withSignalCancellation { await runner.run(tests) }
        await (platform as? LibvirtPool)?.finish()
        printer.finish()

        var report = RunReport(
            platform: platform.name, version: Kiln.version,
            build: BuildReference(id: plan.build.metadata.buildID, name: plan.build.metadata.name,
                                  architecture: plan.build.metadata.architecture, imageSHA256: plan.build.imageSHA256),
            accelerator: plan.accelerator.rawValue, startedAt: startedAt,
            durationSeconds: (ContinuousClock.now - clock).seconds, tests: plan.skipped + ran,
            hostMemoryMiB: plan.budget.totalMemoryMiB, hostCPUs: plan.budget.totalCPUs)
        report.invocation = RunInvocation(command: Self.configuration.commandName ?? "run", arguments: arguments,
                                          workingDirectory: FileManager.default.currentDirectoryPath)
        try ReportWriter(report: report, directory: plan.outputDirectory).writeAll()
        await ReplayBundles(plan: plan, report: report, memoryOverrideMiB: memory,
                            directKernelBootArguments: kernelBoot.directKernelBoot ? kernelBoot.kernelArguments : nil,
                            printer: printer).writeAll()
        do {
            try recorder.finish(report, interrupted: signal != nil)
        } catch {
            printer.say("kiln: warning: results database: \(error)")
        }
        printer.say(RunSummary(report: report).text + "; reports in \(plan.outputDirectory)/")
        if let keeper { await holdKeptMachines(keeper, report: report, interrupted: signal != nil) }
        if let signal { throw ExitCode(128 + signal) }
        switch report.result {
        case .pass: return
        case .warn: throw ExitCode(77)
        default: throw ExitCode(1)
        }
    }

    /// The `--connect` hosts as one pool. A remote host's accelerator is chosen from what it
    /// offers (with --accel auto); a host that cannot be set up ends the run before any test.
    private func libvirtPool(plan: RunPlan, key: SSHKeyPair, logger: Logger) async throws -> LibvirtPool {
        // Unique per run: another run on a shared host may use an output directory of the same name.
        let runID = LibvirtRunID(outputDirectory: plan.outputDirectory)
        var members: [LibvirtPool.Member] = []
        var opened: [any LibvirtHostAccess] = []
        do {
            for argument in plan.libvirtHosts {
                let access: any LibvirtHostAccess
                if let ssh = argument.ssh {
                    access = try await SSHHostAccess(destination: ssh.destination, port: ssh.port, logger: logger)
                } else {
                    access = LocalHostAccess()
                }
                opened.append(access)
                let host = try LibvirtHost(uri: argument.uri)
                let resources = try host.connection.hostResources()
                let capacity = argument.capacity ?? LibvirtHostArgument.defaultCapacity(memoryMiB: resources.memoryMiB, cpus: resources.cpus)
                // What the host can give guests now, less room for the host itself: a machine must fit it.
                let memoryMiB = max(0, try host.connection.availableMemoryMiB() - HostResources.headroomMiB)
                var accelerator = plan.accelerator
                if !access.isLocal, let request = AcceleratorRequest(rawValue: accel), request == .auto {
                    accelerator = try await access.virtualization().choose(request).accelerator
                }
                let platform = try await LibvirtPlatform(host: host, access: access, image: plan.build.image, imageSHA256: plan.build.imageSHA256,
                                                         accelerator: accelerator, sshKey: key, runID: runID, logger: logger)
                members.append(LibvirtPool.Member(platform: platform, capacity: capacity, memoryMiB: memoryMiB))
            }
        } catch {
            for access in opened { await access.close() }
            throw error
        }
        return LibvirtPool(hosts: members, logger: logger)
    }

    /// Why one of `tests` could never run on `pool` (its machines at once, each with its memory),
    /// or nil when all can.
    static func neverFitting(_ tests: [RegisteredTest], on pool: LibvirtPool, memoryOverrideMiB: Int?) -> String? {
        for test in tests {
            let machines = max(1, test.metadata.clusterSize)
            let memory = memoryOverrideMiB ?? test.metadata.machine.memoryMiB
            if let reason = pool.neverFits(machines: machines, memoryMiB: memory) {
                return "\(test.metadata.name) cannot run on the libvirt hosts: \(reason)"
            }
        }
        return nil
    }

    static func fail(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("kiln: error: \(message)\n".utf8))
        return ExitCode(status)
    }
}

/// A command-line input Kiln cannot use.
struct InputError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
