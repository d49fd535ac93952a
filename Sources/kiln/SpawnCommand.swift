import ArgumentParser
import Foundation
import KilnHarness
import KilnPlatform
import Logging

/// `kiln spawn`: boots machines of a build to work on by hand (kola's `spawn`, cosa's `run`).
struct SpawnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spawn",
        abstract: "Boot machines of a build and open a shell on the first (or keep them running).",
        discussion: """
            Boots COUNT machines with the given configs merged (Butane translated) and the session's SSH key, prints \
            each machine's name and `ssh -F` line, then opens a shell on the first machine (OpenSSH's ssh). When the \
            shell exits, or on Ctrl-C/SIGTERM, the machines are stopped and everything is removed. Without a terminal \
            on standard input, no shell is opened: the machines run until SIGINT/SIGTERM or `kiln destroy`. With \
            --detach, kiln spawn returns once the machines answer on SSH and they run until `kiln destroy`. \
            Machines are registered in <workdir>/machines/ for `kiln ssh` and `kiln destroy`. Exit status: the \
            shell's, 0 when stopped by a signal or kiln destroy (without a shell), 1 when a machine failed to boot, \
            2 for bad input (nothing was started).
            """)

    @Option(help: "The build: a meta.json, its directory, a builds/ directory (newest build) or a cosa work dir. Default: $KILN_BUILD, else .work/builds.")
    var build: String?

    @Option(name: .customLong("config"), help: "An Ignition (.ign) or Butane (.bu) config merged into every machine's config, or a failed test's replay.tar (the config its machine booted with). Repeatable.")
    var configs: [String] = []

    @Option(name: [.customShort("n"), .customLong("count")], help: "How many machines to boot.")
    var count: Int = 1

    @Option(help: "Memory per machine in MiB.")
    var memory: Int?

    @OptionGroup var kernelBoot: KernelBootOptions

    @Flag(help: "Return once the machines answer on SSH; they run until `kiln destroy`.")
    var detach = false

    @Option(help: "Where machines run: qemu (QEMU as Kiln's child); the only one kiln spawn supports.")
    var platform: String = "qemu"

    @Option(help: "Accelerator: auto (KVM only where it really runs guests), kvm or tcg.")
    var accel: String = "auto"

    @Option(help: "The directory `local` files and trees of Butane configs are read from.")
    var filesDir: String?

    @Flag(help: "Accept configs that Ignition would only warn about (unknown or too-new keys).")
    var allowConfigWarnings = false

    @Flag(name: .shortAndLong, help: "Log machine lifecycle events to standard error.")
    var verbose = false

    /// Set by `kiln spawn --detach` on the background copy it starts: the session it holds.
    @Option(help: .hidden)
    var keeperSession: String?

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        RunSession.bootstrapLogging(verbose ? .info : .warning)
        let plan = try await prepare()
        let registry = MachineRegistry(workdir: workdir.path)
        if let keeperSession {
            // The background copy started by --detach: it holds the machines until it is stopped.
            signal(SIGHUP, SIG_IGN)
            let session = MachineSession(id: keeperSession, kind: "spawn", owner: .current())
            throw ExitCode(await SpawnHolder(plan: plan, session: session, registry: registry, mode: .wait).run())
        }
        registry.pruneStale()
        let session = try exitingOnError { try registry.reserve(prefix: "spawn", kind: "spawn") }
        if detach {
            throw ExitCode(await DetachedSpawn(session: session, registry: registry).start())
        }
        let mode: SpawnHolder.Mode = isatty(STDIN_FILENO) == 1 ? .shell : .wait
        throw ExitCode(await SpawnHolder(plan: plan, session: session, registry: registry, mode: mode).run())
    }
}
