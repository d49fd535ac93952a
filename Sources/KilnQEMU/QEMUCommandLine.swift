import Foundation
public import KilnCore
public import KilnPlatform

/// The QEMU command line for one machine: a pure function of its inputs, so it is checked
/// against a golden file.
///
/// Descriptors the caller passes: 3 = the qcow2 overlay (read-write), 4 = the private UEFI
/// variable store (UEFI only), 5 = Kiln's end of the QMP socket pair, 6 = the private network
/// port (multi-machine tests), 7… = extra empty disks. Disks and variable store are already
/// unlinked when QEMU starts, so nothing is left on disk if Kiln is killed.
public struct QEMUCommandLine: Sendable, Equatable {
    public var accelerator: Accelerator
    public var memoryMiB: Int
    public var vcpus: Int
    public var firmware: BootImage.Firmware
    /// Read-only UEFI code (OVMF_CODE).
    public var firmwareCode: String
    public var configPath: String
    public var consolePath: String
    public var sshPort: Int
    public var restrictNetwork: Bool
    public var name: String
    /// The MAC address of a second NIC on the test's private network (descriptor 6), if any.
    public var privateNetworkMAC: String?
    /// Extra empty raw disks (descriptors 7, 8, ...), sizes in GiB.
    public var additionalDisksGiB: [Int]
    /// Extra NICs, each on a user-mode network of its own with no host forward.
    public var additionalNICs: Int
    /// A guest panic ends QEMU (pvpanic); false lets the guest's own `panic=N` reboot it.
    public var panicEndsMachine = true
    /// The kernel, initramfs and command line QEMU boots instead of the disk's boot loader
    /// (`-kernel`, `-initrd`, `-append`); with UEFI, OVMF starts the kernel from fw_cfg.
    public var directKernelBoot: DirectKernelBoot?

    public init(accelerator: Accelerator, memoryMiB: Int, vcpus: Int, firmware: BootImage.Firmware,
                firmwareCode: String, configPath: String, consolePath: String, sshPort: Int,
                restrictNetwork: Bool, name: String, privateNetworkMAC: String? = nil, additionalDisksGiB: [Int] = [],
                additionalNICs: Int = 0, panicEndsMachine: Bool = true, directKernelBoot: DirectKernelBoot? = nil) {
        self.directKernelBoot = directKernelBoot
        self.panicEndsMachine = panicEndsMachine
        self.additionalNICs = additionalNICs
        self.privateNetworkMAC = privateNetworkMAC
        self.additionalDisksGiB = additionalDisksGiB
        self.accelerator = accelerator
        self.memoryMiB = memoryMiB
        self.vcpus = vcpus
        self.firmware = firmware
        self.firmwareCode = firmwareCode
        self.configPath = configPath
        self.consolePath = consolePath
        self.sshPort = sshPort
        self.restrictNetwork = restrictNetwork
        self.name = name
    }

    /// The descriptor numbers QEMU expects.
    public enum Descriptor {
        public static let overlay: Int32 = 3
        public static let firmwareVariables: Int32 = 4
        public static let qmp: Int32 = 5
        public static let privateNetwork: Int32 = 6
        /// The first extra disk; the others follow.
        public static let firstAdditionalDisk: Int32 = 7
    }

    /// Where the streamed journal goes: beside the console.
    public var journalStreamPath: String {
        (consolePath as NSString).deletingLastPathComponent + "/" + JournalStream.fileName
    }

    /// The fw_cfg key Fedora CoreOS's Ignition reads its config from on x86_64.
    public static let ignitionConfigKey = "opt/com.coreos/config"

    /// The arguments after the executable's name.
    public var arguments: [String] {
        var args: [String] = ["-name", "\(name),debug-threads=on"]
        switch accelerator {
        case .kvm: args += ["-machine", "q35,accel=kvm", "-cpu", "host"]
        case .tcg: args += ["-machine", "q35,accel=tcg", "-cpu", EmulatedCPU.qemuArgument]
        }
        args += ["-m", "\(memoryMiB)", "-smp", "\(vcpus)", "-nodefaults", "-display", "none"]
        args += ["-add-fd", "fd=\(Descriptor.overlay),set=1"]
        if firmware == .uefi {
            args += ["-add-fd", "fd=\(Descriptor.firmwareVariables),set=2"]
            args += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=\(firmwareCode)"]
            args += ["-drive", "if=pflash,format=raw,unit=1,file=/dev/fdset/2,auto-read-only=off"]
        }
        if let boot = directKernelBoot {
            // Before any boot option: OVMF (or, with BIOS, QEMU's linuxboot ROM) starts this kernel.
            args += ["-kernel", boot.kernelPath, "-initrd", boot.initramfsPath, "-append", boot.commandLine]
        }
        args += ["-drive", "if=none,id=disk0,format=qcow2,file=/dev/fdset/1,auto-read-only=off,cache=unsafe,discard=unmap"]
        args += ["-device", "virtio-blk-pci,drive=disk0,serial=primary-disk,bootindex=1"]
        for (index, _) in additionalDisksGiB.enumerated() {
            let fd = Descriptor.firstAdditionalDisk + Int32(index)
            args += ["-add-fd", "fd=\(fd),set=\(fd)"]
            args += ["-drive", "if=none,id=disk\(index + 1),format=raw,file=/dev/fdset/\(fd),auto-read-only=off,cache=unsafe,discard=unmap"]
            args += ["-device", "virtio-blk-pci,drive=disk\(index + 1),serial=extra-disk-\(index + 1)"]
        }
        args += ["-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-pci,rng=rng0"]
        // A guest kernel panic ends QEMU (status 1, QMP reason guest-panic) instead of a
        // `panic=N` reboot loop that would last until the test's deadline.
        if panicEndsMachine { args += ["-device", "pvpanic", "-action", "panic=exit-failure"] }
        args += ["-fw_cfg", "name=\(Self.ignitionConfigKey),file=\(configPath)"]
        var netdev = "user,id=eth0,hostfwd=tcp:127.0.0.1:\(sshPort)-:22"
        if restrictNetwork { netdev += ",restrict=on" }
        // No option ROM: the images boot from disk, and iPXE in the firmware only slows boots.
        args += ["-netdev", netdev, "-device", "virtio-net-pci,netdev=eth0,romfile="]
        // Each extra NIC on a subnet of its own (10.0.3.0/24, ...): on the first one's subnet the
        // guest would answer SSH through the wrong NIC.
        for index in 0..<additionalNICs {
            args += ["-netdev", "user,id=eth\(index + 1),net=10.0.\(index + 3).0/24" + (restrictNetwork ? ",restrict=on" : "")]
            args += ["-device", "virtio-net-pci,netdev=eth\(index + 1),romfile="]
        }
        if let privateNetworkMAC {
            args += ["-netdev", "dgram,id=private,local.type=fd,local.str=\(Descriptor.privateNetwork)"]
            args += ["-device", "virtio-net-pci,netdev=private,mac=\(privateNetworkMAC),romfile="]
        }
        args += ["-chardev", "file,id=console,path=\(consolePath)", "-serial", "chardev:console"]
        // The guest's journal, streamed from early boot by the unit Kiln adds to every config
        // (see JournalStream), kept across reboots of this QEMU.
        args += ["-device", "virtio-serial-pci,id=virtio-serial0"]
        args += ["-chardev", "file,id=journal,path=\(journalStreamPath)"]
        args += ["-device", "virtserialport,bus=virtio-serial0.0,chardev=journal,name=\(JournalStream.portName)"]
        args += ["-chardev", "socket,id=qmp,fd=\(Descriptor.qmp)", "-mon", "chardev=qmp,mode=control"]
        return args
    }

    /// The command line as one shell-quoted line, for artifacts and humans.
    public func rendered(executable: String) -> String {
        ([executable] + arguments).map(Self.shellQuote).joined(separator: " ")
    }

    static func shellQuote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || "0123456789-_=,./:@+%".unicodeScalars.contains($0)
        }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
