import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnSSH
import Logging
import Synchronization

/// Boots a `kiln spawn` session's machines and holds them: all of the session's files (the
/// machines' artifacts, `ssh-config`s, the identity file) are in its registry directory, which
/// is removed when the machines have stopped, however the session ends.
struct SpawnHolder {
    enum Mode {
        /// An interactive `ssh` on the first machine; its end ends the session.
        case shell
        /// Until SIGINT or SIGTERM (`kiln destroy`).
        case wait
    }

    let plan: SpawnPlan
    let session: MachineSession
    let registry: MachineRegistry
    let mode: Mode

    /// Boots, holds, stops, cleans up. Returns the exit status.
    func run() async -> Int32 {
        let directory = registry.sessionDirectory(session.id)
        defer { registry.remove(session.id) }
        let identity = "\(directory)/id_ed25519"
        do {
            try AtomicFile.write(plan.key.openSSHPrivateKey, to: identity, permissions: 0o600)
            try registry.write(session)
        } catch {
            return Self.fail("\(error)", status: 1)
        }
        let platform: QEMUPlatform
        var specs: [MachineSpec] = []
        let network: PrivateNetwork?
        do {
            platform = try QEMUPlatform(image: plan.build.image, accelerator: plan.accelerator, sshKey: plan.key,
                                        logger: Logger(label: "kiln"))
            network = plan.count > 1 ? try platform.privateNetwork(machines: plan.count, name: session.id) : nil
            for index in 0..<plan.count {
                let machineDirectory = "\(directory)/m\(index)"
                try ArtifactDirectory.create(machineDirectory)
                var config = plan.config
                if let port = network?.ports[index] {
                    config = MachineConfigRenderer(image: plan.build.image, sshPublicKey: "").addingPrivateNetwork(port, to: config)
                }
                try Data(config.rendered.utf8).write(to: URL(fileURLWithPath: "\(machineDirectory)/config.ign"))
                if let rejection = await MachineConfigRenderer.ignitionValidate("\(machineDirectory)/config.ign") {
                    return Self.fail("Ignition rejects the merged config (ignition-validate):\n\(rejection)", status: 2)
                }
                specs.append(MachineSpec(id: "\(session.id)-m\(index)", artifactsDirectory: machineDirectory, config: config,
                                         memoryMiB: plan.memoryMiB, vcpus: 1, privateNetwork: network?.ports[index],
                                         directKernelBoot: plan.directKernelBoot))
            }
        } catch {
            return Self.fail("\(error)", status: 1)
        }
        defer { network?.shutDown() }
        let build = plan.build.metadata
        Self.say("kiln: booting \(plan.count) machine(s) of \(build.buildID) (\(build.name)), \(plan.memoryMiB) MiB each, accelerator \(plan.accelerator.rawValue)\(plan.directKernelBoot.map { ", direct kernel boot: \($0.commandLine)" } ?? ""); session \(session.id)")
        let shellStatus = Mutex<Int32?>(nil)
        let holder = self
        let bootSpecs = specs
        let result: Result<Void, any Error>
        let signal: Int32?
        do {
            (result, signal) = try await withSignalCancellation { () async -> Result<Void, any Error> in
                do {
                    try await ClusterBoot.run(specs: bootSpecs, platform: platform, onReady: { _ in }, body: { machines in
                        let status = try await holder.hold(machines, identity: identity)
                        shellStatus.withLock { $0 = status }
                    })
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            return Self.fail("\(error)", status: 1)
        }
        switch result {
        case .success:
            Self.say("kiln: session \(session.id) stopped; its machines and files are gone")
            if mode == .shell, let signal { return 128 + signal }
            return shellStatus.withLock { $0 } ?? 0
        case .failure(let error):
            if let signal {
                Self.say("kiln: session \(session.id) stopped before its machines were up")
                return 128 + signal
            }
            // A machine that did not come up: its console tail is in the error.
            return Self.fail("\(error)", status: 1)
        }
    }

    /// Registers the booted machines, tells how to reach them, then holds them: returns the
    /// shell's exit status (`.shell`), or nil once cancelled (`.wait`).
    private func hold(_ machines: [any Machine], identity: String) async throws -> Int32? {
        let entries = machines.compactMap { machine -> MachineSession.Entry? in
            guard let written = SSHConfigFile.write(for: machine.bootReport(), identityFile: identity) else { return nil }
            return MachineSession.Entry(name: machine.id, sshConfig: written.path, host: written.host)
        }
        guard entries.count == machines.count else {
            throw SpawnFailure("a machine answered on SSH but has no SSH address to write an ssh-config for")
        }
        var ready = session
        ready.ready = true
        ready.machines = entries
        try registry.write(ready)
        announce(ready, machines: machines)
        switch mode {
        case .shell:
            let status = try await InteractiveShell.run(entries[0])
            Self.say("kiln: the shell on \(entries[0].name) ended (exit status \(status)); stopping \(entries.map(\.name).joined(separator: ", "))")
            return status
        case .wait:
            try? await Task.sleep(for: .seconds(100 * 365 * 86_400))
            Self.say("kiln: stopping \(entries.map(\.name).joined(separator: ", "))")
            return nil
        }
    }

    /// The lines a user needs to reach each machine.
    func announce(_ ready: MachineSession, machines: [any Machine]) {
        var lines: [String] = []
        for (entry, machine) in zip(ready.machines, machines) {
            let seconds = machine.bootReport().sshReadySeconds.map { String(format: " (SSH ready %.1fs after QEMU start)", $0) } ?? ""
            lines += Self.howToReach(entry, note: "is up\(seconds)")
        }
        switch mode {
        case .shell:
            lines.append("kiln: opening a shell on \(ready.machines[0].name); the machines stop when it exits")
        case .wait:
            lines.append("kiln: session \(ready.id) (pid \(ready.owner.pid)) holds them until Ctrl-C, SIGTERM or `kiln destroy \(ready.id)`")
        }
        Self.say(lines.joined(separator: "\n"))
    }

    /// A machine's name with `note`, its `ssh-config`, and the two ways to log in to it.
    static func howToReach(_ entry: MachineSession.Entry, note: String) -> [String] {
        ["kiln: \(entry.name) \(note)", "  ssh-config: \(entry.sshConfig)", "  \(entry.sshCommand)", "  kiln ssh \(entry.name)"]
    }

    /// Prints `line` to standard output, at once (standard output may be a log file).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Prints `kiln: error: <message>` to standard error; returns `status`.
    static func fail(_ message: String, status: Int32) -> Int32 {
        FileHandle.standardError.write(Data("kiln: error: \(message)\n".utf8))
        return status
    }
}

/// A session that could not be set up.
struct SpawnFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
