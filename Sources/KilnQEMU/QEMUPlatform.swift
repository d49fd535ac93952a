import CKilnSupport
import Foundation
public import KilnCore
public import KilnPlatform
public import KilnSSH
public import Logging

/// Boots machines as QEMU child processes of Kiln, bound to its lifetime: each QEMU gets
/// SIGKILL when Kiln dies, however it dies, and its overlay disk and UEFI variables exist only
/// as open descriptors, so nothing is left behind.
public struct QEMUPlatform: Platform {
    public let name = "qemu"
    public let image: BootImage
    public let accelerator: Accelerator
    public let sshKey: SSHKeyPair
    public let logger: Logger
    let qemu: String
    let firmware: UEFIFirmware?

    /// - Throws: `MachineError.setupFailed` when QEMU, qemu-img or (for UEFI images) OVMF is missing.
    public init(image: BootImage, accelerator: Accelerator, sshKey: SSHKeyPair, logger: Logger) throws {
        guard let qemu = findExecutable("qemu-system-x86_64") else {
            throw MachineError.setupFailed(machine: "-", "qemu-system-x86_64 not found (harness/setup installs qemu-system-x86)")
        }
        guard findExecutable("qemu-img") != nil else {
            throw MachineError.setupFailed(machine: "-", "qemu-img not found (harness/setup installs qemu-utils)")
        }
        var firmware: UEFIFirmware?
        if image.firmware == .uefi {
            guard let found = UEFIFirmware.find() else {
                throw MachineError.setupFailed(machine: "-", "the image boots with UEFI but no OVMF firmware is installed (harness/setup installs ovmf)")
            }
            firmware = found
        }
        self.image = image
        self.accelerator = accelerator
        self.sshKey = sshKey
        self.logger = logger
        self.qemu = qemu
        self.firmware = firmware
    }

    public func withMachine<R: Sendable>(_ spec: MachineSpec, _ body: @escaping @Sendable (any Machine) async throws -> R) async throws -> R {
        // A cancelled test (its deadline passed, or Kiln is stopping) kills QEMU at once, from its
        // start on, so whatever the test was blocked on fails now instead of at its own timeout.
        let killSwitch = KillSwitch()
        return try await withTaskCancellationHandler {
            try await boot(spec, killSwitch: killSwitch).use(body)
        } onCancel: {
            killSwitch.fire()
        }
    }

    /// Starts QEMU for `spec` (retrying when another process took the SSH port first).
    func boot(_ spec: MachineSpec, killSwitch: KillSwitch) async throws -> QEMUMachine {
        let dir = spec.artifactsDirectory
        let configPath = "\(dir)/config.ign"
        try Data(spec.config.rendered.utf8).write(to: URL(fileURLWithPath: configPath))
        let image = spec.image ?? self.image
        if spec.image != nil, spec.directKernelBoot != nil {
            throw MachineError.setupFailed(machine: spec.id, "direct kernel boot is for the platform's own build, not another build's image")
        }
        let bootFirmware = spec.firmware ?? image.firmware
        let uefi = try MachineImageFiles.uefiFirmware(for: spec, image: image, found: firmware)
        let disks = try await MachineDisks(image: image.path, firmware: uefi, directory: dir, machine: spec.id,
                                           additionalGiB: spec.additionalDisksGiB)
        defer { disks.release() }
        for attempt in 1...3 {
            let port = try freeLoopbackPort()
            let commandLine = QEMUCommandLine(
                accelerator: accelerator, memoryMiB: spec.memoryMiB, vcpus: spec.vcpus, firmware: bootFirmware,
                firmwareCode: uefi?.code ?? "", configPath: configPath, consolePath: "\(dir)/console.txt",
                sshPort: port, restrictNetwork: !spec.allowOutsideNetwork, name: "kiln-\(spec.id)",
                privateNetworkMAC: spec.privateNetwork?.macAddress, additionalDisksGiB: spec.additionalDisksGiB,
                additionalNICs: spec.additionalNICs, panicEndsMachine: !spec.expectsFailedBoots,
                directKernelBoot: spec.directKernelBoot)
            try (commandLine.rendered(executable: qemu) + "\n").write(toFile: "\(dir)/qemu-argv.txt", atomically: true, encoding: .utf8)
            var pair: [Int32] = [-1, -1]
            let pairError = kiln_socketpair(&pair)
            guard pairError == 0 else { throw SystemError("socketpair for QMP", errno: pairError) }
            let log = open("\(dir)/qemu.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
            let logErrno = errno
            let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard log >= 0, devNull >= 0 else {
                [pair[0], pair[1], log, devNull].filter { $0 >= 0 }.forEach { close($0) }
                throw SystemError("open \(dir)/qemu.log", errno: log < 0 ? logErrno : errno)
            }
            let started = ContinuousClock.now
            let process: ChildProcess
            do {
                process = try await ProcessSpawner.shared.spawn(
                    executable: qemu, arguments: commandLine.arguments,
                    descriptors: [devNull, log, log, disks.overlay, disks.variables ?? devNull, pair[1],
                                  spec.privateNetwork?.descriptor ?? devNull] + disks.additional)
            } catch {
                [pair[0], pair[1], log, devNull].forEach { close($0) }
                throw MachineError.setupFailed(machine: spec.id, "\(error)")
            }
            [pair[1], log, devNull].forEach { close($0) }
            killSwitch.arm(process)
            let qmp = QMPClient(fd: pair[0], started: started)
            logger.info("QEMU started", metadata: ["machine": "\(spec.id)", "pid": "\(process.pid)", "ssh": "127.0.0.1:\(port)"])
            let machine = QEMUMachine(
                id: spec.id, artifactsDirectory: dir, process: process, qmp: qmp,
                console: ConsoleWatcher(path: "\(dir)/console.txt", started: started, failedBootIsFatal: !spec.expectsFailedBoots),
                sshTarget: .init(host: "127.0.0.1", port: port, user: image.loginUser, key: sshKey),
                started: started, kernelCommandLine: spec.directKernelBoot?.commandLine, logger: logger)
            // A QEMU that never greets on its monitor is killed, which ends the handshake.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(60))
                process.send(SIGKILL)
            }
            defer { watchdog.cancel() }
            do {
                try await qmp.handshake()
                spec.onStarted?(machine)
                return machine
            } catch {
                await machine.destroy()
                let status = await process.waitForExit()
                let said = (try? String(contentsOfFile: "\(dir)/qemu.log", encoding: .utf8)) ?? ""
                if said.contains("Could not set up host forwarding rule") && attempt < 3 {
                    logger.info("SSH port taken, retrying", metadata: ["machine": "\(spec.id)", "port": "\(port)"])
                    continue
                }
                throw MachineError.hypervisorExited(machine: spec.id, status: "\(status)",
                                                    log: said.trimmingCharacters(in: .whitespacesAndNewlines), consoleTail: "")
            }
        }
        throw MachineError.setupFailed(machine: spec.id, "no free loopback port for SSH after 3 tries")
    }
}
