import Foundation
public import KilnCore
public import KilnPlatform
public import KilnSSH
public import Logging

/// Boots machines as transient libvirt domains on one host: a daemon on this machine, or a
/// remote one reached through ``SSHHostAccess`` (the image, and for direct kernel boot the
/// kernel and initramfs, copied there once, the guest's SSH
/// port forwarded back over the host's SSH connection, console and journal mirrored into the
/// artifacts directory). Each domain is created with `AUTODESTROY`, so it dies with Kiln's
/// connection whatever ends Kiln, and carries Kiln's label (run id, host, pid and start time) for `kiln gc`.
/// Its writable files (overlay, UEFI variables, extra disks; on a remote host also its config,
/// console and journal) live on the host in a work directory of the run under ``workRoot``,
/// removed with the machine.
public struct LibvirtPlatform: Platform {
    public let name = "libvirt"
    public let host: LibvirtHost
    public let access: any LibvirtHostAccess
    public let image: BootImage
    public let imageSHA256: String
    public let accelerator: Accelerator
    public let sshKey: SSHKeyPair
    public let logger: Logger
    /// Names the run's domains and work directories, unique per run.
    public let runID: LibvirtRunID
    /// The host's OVMF firmware, looked up once per run (nil: none installed).
    let firmware: UEFIFirmware?
    /// This Kiln process, named in work directories and domain labels so that `kiln gc` can tell
    /// it from a later process with the same pid.
    let process = ProcessIdentity.current()

    /// Where runs keep their machines' writable files on a host:
    /// `<workRoot>/<runID>-<pid>.<start time>/<machine>/` on this machine,
    /// `<workRoot>/<runID>@<kiln's host>-<pid>.<start time>/` on a remote one (the start time as
    /// in ``ProcessIdentity``: clock ticks after boot).
    public static let workRoot = "/var/tmp/kiln-libvirt"

    /// - Throws: `MachineError.setupFailed` when qemu-img or (for UEFI images) OVMF is missing
    ///   on the host.
    public init(host: LibvirtHost, access: any LibvirtHostAccess = LocalHostAccess(), image: BootImage, imageSHA256: String,
                accelerator: Accelerator, sshKey: SSHKeyPair, runID: LibvirtRunID, logger: Logger) async throws {
        guard (try? await access.run("command -v qemu-img")) != nil else {
            throw MachineError.setupFailed(machine: "-", "qemu-img not found on \(access.name) (Debian: qemu-utils)")
        }
        self.firmware = try await access.uefiFirmware()
        if image.firmware == .uefi, firmware == nil {
            throw MachineError.setupFailed(machine: "-", "the image boots with UEFI but \(access.name) has no OVMF firmware (Debian: ovmf)")
        }
        self.host = host
        self.access = access
        self.image = image
        self.imageSHA256 = imageSHA256
        self.accelerator = accelerator
        self.sshKey = sshKey
        self.runID = runID
        self.logger = logger
    }

    /// This run's work directory on the host.
    public var runDirectory: String {
        access.isLocal ? localRunDirectory : "\(Self.workRoot)/\(runID)@\(ProcessInfo.processInfo.hostName)-\(processTag)"
    }

    /// This run's work directory on this machine (where private networks' hub sockets are,
    /// for every host: a remote host reaches them through forwards).
    public var localRunDirectory: String { "\(Self.workRoot)/\(runID)-\(processTag)" }

    /// `<pid>.<start time>`, as ``LeftoverCollector`` reads it back.
    var processTag: String { "\(process.pid).\(process.startTime)" }

    public func withMachine<R: Sendable>(_ spec: MachineSpec, _ body: @escaping @Sendable (any Machine) async throws -> R) async throws -> R {
        let work = "\(runDirectory)/\(spec.id)"
        try await access.run("mkdir -p -m 700 \(Shell.quoted(runDirectory)) \(Shell.quoted(work))")
        do {
            let machine = try await boot(spec, work: work)
            let result = try await withTaskCancellationHandler {
                try await machine.use(body)
            } onCancel: {
                // A cancelled test (its deadline, or Kiln stopping) ends its domain at once.
                machine.destroySoon()
            }
            await removeWork(work)
            return result
        } catch {
            await removeWork(work)
            throw error
        }
    }

    /// Removes a machine's work directory, and the run's when it was the last (also when the
    /// test was cancelled: the commands run outside its task).
    private func removeWork(_ work: String) async {
        let script = "rm -rf \(Shell.quoted(work)); rmdir \(Shell.quoted(runDirectory)) 2>/dev/null || true"
        let access = access
        _ = await Task { try? await access.run(script) }.value
    }

    /// Creates the machine's files and its domain (retrying when the SSH port was taken).
    func boot(_ spec: MachineSpec, work: String) async throws -> LibvirtMachine {
        func q(_ path: String) -> String { Shell.quoted(path) }
        let dir = spec.artifactsDirectory
        let local = access.isLocal
        if spec.expectsFailedBoots {
            // Its domain XML has a panic device with on_crash=destroy, and no way to drop it yet.
            throw MachineError.setupFailed(machine: spec.id, "a machine expected to fail to boot and recover (a rollback test) runs on --platform qemu only")
        }
        let configPath = "\(dir)/config.ign"
        try Data(spec.config.rendered.utf8).write(to: URL(fileURLWithPath: configPath))
        let hostConfigPath = local ? configPath : "\(work)/config.ign"
        if !local { try await access.write(Data(spec.config.rendered.utf8), to: hostConfigPath) }
        let image = spec.image ?? self.image
        let baseImage = try await access.image(at: image.path, sha256: spec.image.map { $0.sha256 ?? "" } ?? imageSHA256)
        var directKernelBoot: DirectKernelBoot?
        if let boot = spec.directKernelBoot {
            guard spec.image == nil else {
                throw MachineError.setupFailed(machine: spec.id, "direct kernel boot is for the platform's own build, not another build's image")
            }
            directKernelBoot = try await access.directKernelBoot(boot, machine: spec.id)
        }
        let overlay = "\(work)/overlay.qcow2"
        var script = [Shell.command(["qemu-img"] + MachineImageFiles.overlayArguments(on: baseImage, at: overlay))]
        let disks = spec.additionalDisksGiB.indices.map { "\(work)/disk-\($0 + 1).raw" }
        for (path, size) in zip(disks, spec.additionalDisksGiB) {
            script.append("(umask 077 && truncate -s \(size)G \(q(path)))")
        }
        var domainFirmware = LibvirtDomainXML.Firmware.bios
        if (spec.firmware ?? image.firmware) == .uefi {
            guard let firmware else {
                throw MachineError.setupFailed(machine: spec.id, "UEFI was asked for but \(access.name) has no OVMF firmware (Debian: ovmf)")
            }
            let variables = "\(work)/uefi-vars.fd"
            script.append("cp \(q(firmware.variablesTemplate)) \(q(variables))")
            domainFirmware = .uefi(code: firmware.code, variables: variables)
        }
        do {
            _ = try await access.run(script.joined(separator: " && "))
        } catch {
            throw MachineError.setupFailed(machine: spec.id, "the machine's files on \(access.name): \(error)")
        }
        let console = local ? "\(dir)/console.txt" : "\(work)/console.txt"
        let journal = local ? "\(dir)/\(JournalStream.fileName)" : "\(work)/\(JournalStream.fileName)"
        let domainName = runID.domainName(machine: spec.id)
        // On a remote host, the machine's private network is a socket there forwarded to the hub.
        var networkForward: HostPortForward?
        var networkSocket: String?
        if !local, let stream = spec.privateNetwork?.streamPath {
            // In the run's directory, not the machine's: a unix socket's path has at most 107 bytes.
            networkSocket = "\(runDirectory)/net-\(UUID().uuidString.prefix(8)).sock"
            do {
                networkForward = try await access.forwardSocket(networkSocket!, to: stream)
            } catch {
                throw MachineError.setupFailed(machine: spec.id, "forward the private network to \(access.name): \(error)")
            }
        }
        let cleanUpNetwork = { @Sendable [networkForward, networkSocket, access] in
            await networkForward?.cancel()
            if let networkSocket { _ = await Task { try? await access.run("rm -f \(Shell.quoted(networkSocket))") }.value }
        }
        let label = KilnDomainLabel(runID: runID.value, host: ProcessInfo.processInfo.hostName, pid: process.pid,
                                    startTime: process.startTime)
        for attempt in 1...3 {
            // This machine: a port free here. A remote host: one there, forwarded here.
            let port = local ? try freeLoopbackPort() : Int.random(in: 20_000..<60_000)
            var xml = LibvirtDomainXML(
                name: domainName, label: label, memoryMiB: spec.memoryMiB, vcpus: spec.vcpus,
                kvm: accelerator == .kvm, firmware: domainFirmware, overlayPath: overlay, additionalDiskPaths: disks,
                configPath: hostConfigPath, consolePath: console, journalPath: journal,
                sshPort: port, additionalNICs: spec.additionalNICs, allowOutsideNetwork: spec.allowOutsideNetwork,
                privateNetwork: spec.privateNetwork)
            xml.privateNetworkSocket = networkSocket
            xml.directKernelBoot = directKernelBoot
            try xml.rendered.write(toFile: "\(dir)/domain.xml", atomically: true, encoding: .utf8)
            let mirrors = try await [access.mirror(console, to: "\(dir)/console.txt"),
                                     access.mirror(journal, to: "\(dir)/\(JournalStream.fileName)")].compactMap { $0 }
            let watch = host.watch(domainName)
            let started = ContinuousClock.now
            let domain: LibvirtDomain
            do {
                let connection = host.connection
                let text = xml.rendered
                domain = try await Self.blocking { try connection.createTransientDomain(xml: text, autoDestroy: true) }
            } catch let error as LibvirtError {
                host.unwatch(domainName)
                for mirror in mirrors { await mirror.stop() }
                if error.message.contains("host forwarding rule") && attempt < 3 {
                    logger.info("SSH port taken, retrying", metadata: ["machine": "\(spec.id)", "port": "\(port)"])
                    continue
                }
                await cleanUpNetwork()
                throw DomainStartFailure(machine: spec.id, error: error)
            }
            let forward: HostPortForward
            do {
                forward = try await access.forward(port: port)
            } catch {
                try? domain.destroy()
                host.unwatch(domainName)
                for mirror in mirrors { await mirror.stop() }
                await cleanUpNetwork()
                throw MachineError.setupFailed(machine: spec.id, "forward the guest's SSH port from \(access.name): \(error)")
            }
            logger.info("domain started", metadata: ["machine": "\(spec.id)", "domain": "\(domainName)", "host": "\(access.name)",
                                                     "ssh": "127.0.0.1:\(forward.localPort)"])
            let machine = LibvirtMachine(
                id: spec.id, artifactsDirectory: dir, domain: domain, watch: watch, host: host,
                console: ConsoleWatcher(path: "\(dir)/console.txt", started: started),
                sshTarget: .init(host: "127.0.0.1", port: forward.localPort, user: image.loginUser, key: sshKey),
                started: started, qemuLog: local ? "/var/log/libvirt/qemu/\(domainName).log" : nil,
                kernelCommandLine: spec.directKernelBoot?.commandLine, logger: logger,
                afterDestroy: {
                    await forward.cancel()
                    await cleanUpNetwork()
                    for mirror in mirrors { await mirror.stop() }
                })
            spec.onStarted?(machine)
            return machine
        }
        await cleanUpNetwork()
        throw MachineError.setupFailed(machine: spec.id, "no free loopback port for SSH after 3 tries")
    }

    /// A segment whose hub listens on sockets in the run's work directory, which QEMU started by
    /// this machine's daemon attaches to by path (`-netdev dgram` with unix paths).
    public func privateNetwork(machines: Int, name: String) throws -> PrivateNetwork {
        let directory = "\(localRunDirectory)/net-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        do {
            return try PrivateNetwork(machines: machines, name: name, socketDirectory: directory)
        } catch {
            rmdir(directory)
            throw error
        }
    }

    /// Runs a blocking libvirt call on a thread of its own, off Swift's cooperative pool.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
