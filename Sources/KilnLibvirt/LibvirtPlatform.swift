import Foundation
public import KilnCore
public import KilnPlatform
public import KilnSSH
public import Logging

/// Boots machines as transient libvirt domains on one host (a local daemon for now: the
/// machine's files and its SSH port forward are on this machine). Each domain is created with
/// `AUTODESTROY`, so it dies with Kiln's connection whatever ends Kiln, and carries Kiln's label
/// (run id and pid) for `kiln gc`. Its writable files (overlay, UEFI variables, extra disks)
/// live in a work directory of the run under ``workRoot``, removed with the machine.
public struct LibvirtPlatform: Platform {
    public let name = "libvirt"
    public let host: LibvirtHost
    public let image: BootImage
    public let accelerator: Accelerator
    public let sshKey: SSHKeyPair
    public let logger: Logger
    public let runID: String
    let firmware: UEFIFirmware?

    /// Where runs keep their machines' writable files: `<workRoot>/<runID>-<pid>/<machine>/`.
    public static let workRoot = "/var/tmp/kiln-libvirt"

    /// - Throws: `MachineError.setupFailed` when qemu-img or (for UEFI images) OVMF is missing.
    public init(host: LibvirtHost, image: BootImage, accelerator: Accelerator, sshKey: SSHKeyPair, runID: String,
                logger: Logger) throws {
        guard findExecutable("qemu-img") != nil else {
            throw MachineError.setupFailed(machine: "-", "qemu-img not found (harness/setup installs qemu-utils)")
        }
        self.firmware = UEFIFirmware.find()
        if image.firmware == .uefi, firmware == nil {
            throw MachineError.setupFailed(machine: "-", "the image boots with UEFI but no OVMF firmware is installed (harness/setup installs ovmf)")
        }
        self.host = host
        self.image = image
        self.accelerator = accelerator
        self.sshKey = sshKey
        self.runID = runID
        self.logger = logger
    }

    /// This run's work directory.
    public var runDirectory: String { "\(Self.workRoot)/\(runID)-\(getpid())" }

    public func withMachine<R: Sendable>(_ spec: MachineSpec, _ body: @escaping @Sendable (any Machine) async throws -> R) async throws -> R {
        let work = "\(runDirectory)/\(spec.id)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer {
            try? FileManager.default.removeItem(atPath: work)
            rmdir(runDirectory)  // the run's last machine leaves nothing behind
        }
        let machine = try await boot(spec, work: work)
        return try await withTaskCancellationHandler {
            try await machine.use(body)
        } onCancel: {
            // A cancelled test (its deadline, or Kiln stopping) ends its domain at once.
            try? machine.domain.destroy()
        }
    }

    /// Creates the machine's files and its domain (retrying when the SSH port was taken).
    func boot(_ spec: MachineSpec, work: String) async throws -> LibvirtMachine {
        let dir = spec.artifactsDirectory
        let configPath = "\(dir)/config.ign"
        try Data(spec.config.rendered.utf8).write(to: URL(fileURLWithPath: configPath))
        let overlay = "\(work)/overlay.qcow2"
        try await MachineImageFiles.createOverlay(on: image.path, at: overlay, machine: spec.id)
        var disks: [String] = []
        for (index, size) in spec.additionalDisksGiB.enumerated() {
            let path = "\(work)/disk-\(index + 1).raw"
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                truncate(path, off_t(size) * 1_073_741_824) == 0
            else { throw MachineError.setupFailed(machine: spec.id, "cannot create \(path)") }
            disks.append(path)
        }
        var domainFirmware = LibvirtDomainXML.Firmware.bios
        if let firmware = try MachineImageFiles.uefiFirmware(for: spec, image: image, found: firmware) {
            let variables = "\(work)/uefi-vars.fd"
            try FileManager.default.copyItem(atPath: firmware.variablesTemplate, toPath: variables)
            domainFirmware = .uefi(code: firmware.code, variables: variables)
        }
        let domainName = "kiln-\(runID)-\(spec.id)"
        for attempt in 1...3 {
            let port = try freeLoopbackPort()
            let xml = LibvirtDomainXML(
                name: domainName, label: KilnDomainLabel(runID: runID, host: ProcessInfo.processInfo.hostName, pid: getpid()), memoryMiB: spec.memoryMiB, vcpus: spec.vcpus,
                kvm: accelerator == .kvm, firmware: domainFirmware, overlayPath: overlay, additionalDiskPaths: disks,
                configPath: configPath, consolePath: "\(dir)/console.txt", journalPath: "\(dir)/\(JournalStream.fileName)",
                sshPort: port, additionalNICs: spec.additionalNICs, allowOutsideNetwork: spec.allowOutsideNetwork,
                privateNetwork: spec.privateNetwork)
            try xml.rendered.write(toFile: "\(dir)/domain.xml", atomically: true, encoding: .utf8)
            let watch = host.watch(domainName)
            let started = ContinuousClock.now
            let domain: LibvirtDomain
            do {
                let connection = host.connection
                let text = xml.rendered
                domain = try await Self.blocking { try connection.createTransientDomain(xml: text, autoDestroy: true) }
            } catch let error as LibvirtError {
                host.unwatch(domainName)
                if error.message.contains("host forwarding rule") && attempt < 3 {
                    logger.info("SSH port taken, retrying", metadata: ["machine": "\(spec.id)", "port": "\(port)"])
                    continue
                }
                throw MachineError.setupFailed(machine: spec.id, "\(error)")
            }
            logger.info("domain started", metadata: ["machine": "\(spec.id)", "domain": "\(domainName)", "ssh": "127.0.0.1:\(port)"])
            let machine = LibvirtMachine(
                id: spec.id, artifactsDirectory: dir, domain: domain, watch: watch, host: host,
                console: ConsoleWatcher(path: "\(dir)/console.txt", started: started),
                sshTarget: .init(host: "127.0.0.1", port: port, user: image.loginUser, key: sshKey),
                started: started, logger: logger)
            spec.onStarted?(machine)
            return machine
        }
        throw MachineError.setupFailed(machine: spec.id, "no free loopback port for SSH after 3 tries")
    }

    /// A segment whose hub listens on sockets in the run's work directory, which QEMU started by
    /// this machine's daemon attaches to by path (`-netdev dgram` with unix paths).
    public func privateNetwork(machines: Int, name: String) throws -> PrivateNetwork {
        let directory = "\(runDirectory)/net-\(UUID().uuidString.prefix(8))"
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
