import KilnCore
public import KilnPlatform

/// The XML of a transient libvirt domain for one machine, built from the same options as the
/// QEMU platform's command line (see `QEMUCommandLine`), for libvirt 9.0 (Debian 12):
/// - Ignition through `<sysinfo type='fwcfg'>` (key `opt/com.coreos/config`);
/// - user-mode networking through `<qemu:commandline>`, since libvirt 9.0 has no port forwards
///   for user networking and refuses passt: SSH forwarded from 127.0.0.1 only, `restrict=on`
///   unless the test needs the internet, NICs at explicit PCI addresses (q35 needs them);
/// - the serial console and the streamed journal to files, a pvpanic device with
///   `on_crash=destroy` (a guest panic ends the domain), no balloon;
/// - Kiln's label in `<metadata>`: the run and process that started it, for `kiln gc`;
/// - for direct kernel boot, `<kernel>`, `<initrd>` and `<cmdline>` in `<os>` (paths on the
///   daemon's host) and no `<boot dev='hd'/>`: the kernel is what boots.
public struct LibvirtDomainXML: Sendable, Equatable {
    public enum Firmware: Sendable, Equatable {
        case bios
        /// OVMF code (read-only) and the machine's own copy of the variables.
        case uefi(code: String, variables: String)
    }

    public var name: String
    /// Kiln's label: the run, the host Kiln runs on, Kiln's pid and start time there.
    public var label: KilnDomainLabel
    public var memoryMiB: Int
    public var vcpus: Int
    /// KVM when the host really has it, else TCG (`type='qemu'`).
    public var kvm: Bool
    public var firmware: Firmware
    /// The machine's qcow2 overlay on the build's image.
    public var overlayPath: String
    /// Extra raw disks, in order (`vdb`, `vdc`, ...).
    public var additionalDiskPaths: [String] = []
    public var configPath: String
    public var consolePath: String
    public var journalPath: String
    public var sshPort: Int
    public var additionalNICs: Int = 0
    public var allowOutsideNetwork = false
    /// The machine's attachment to its test's private network (path-bound hub sockets).
    public var privateNetwork: PrivateNetwork.Port?
    /// On a remote host: the socket there that is forwarded to the hub's stream listener for
    /// this machine (`-netdev stream`); nil: the hub's datagram sockets on this machine.
    public var privateNetworkSocket: String?
    /// Run QEMU as root without relabelling any file (a static DAC label): the build's image
    /// stays the user's, and Kiln's files need no ownership changes. For a local daemon run by
    /// root, as Kiln's QEMU platform runs QEMU; false leaves libvirt's own policy.
    public var runAsRoot = true
    /// The kernel, initramfs (paths on the daemon's host) and command line the domain boots
    /// instead of the disk's boot loader; nil boots from the disk.
    public var directKernelBoot: DirectKernelBoot?

    /// The namespace of Kiln's `<metadata>` element.
    public static let metadataNamespace = "https://kiln.invalid/xmlns/run/1"

    public init(name: String, label: KilnDomainLabel, memoryMiB: Int, vcpus: Int, kvm: Bool, firmware: Firmware,
                overlayPath: String, additionalDiskPaths: [String] = [], configPath: String, consolePath: String,
                journalPath: String, sshPort: Int, additionalNICs: Int = 0, allowOutsideNetwork: Bool = false,
                privateNetwork: PrivateNetwork.Port? = nil) {
        self.privateNetwork = privateNetwork
        self.name = name
        self.label = label
        self.memoryMiB = memoryMiB
        self.vcpus = vcpus
        self.kvm = kvm
        self.firmware = firmware
        self.overlayPath = overlayPath
        self.additionalDiskPaths = additionalDiskPaths
        self.configPath = configPath
        self.consolePath = consolePath
        self.journalPath = journalPath
        self.sshPort = sshPort
        self.additionalNICs = additionalNICs
        self.allowOutsideNetwork = allowOutsideNetwork
    }

    public var rendered: String {
        func a(_ text: String) -> String { XMLText.attribute(text) }
        func c(_ text: String) -> String { XMLText.content(text) }
        var lines = [
            "<domain type='\(kvm ? "kvm" : "qemu")' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>",
            "  <name>\(c(name))</name>",
            "  <metadata>",
            "    \(label.element(namespace: Self.metadataNamespace))",
            "  </metadata>",
            "  <memory unit='MiB'>\(memoryMiB)</memory>",
            "  <vcpu>\(vcpus)</vcpu>",
        ] + Self.cpu(kvm: kvm) + [
            "  <os>",
            "    <type arch='x86_64' machine='q35'>hvm</type>",
        ]
        if case .uefi(let code, let variables) = firmware {
            lines += [
                "    <loader readonly='yes' type='pflash'>\(c(code))</loader>",
                "    <nvram>\(c(variables))</nvram>",
            ]
        }
        if let boot = directKernelBoot {
            lines += [
                "    <kernel>\(c(boot.kernelPath))</kernel>",
                "    <initrd>\(c(boot.initramfsPath))</initrd>",
                "    <cmdline>\(c(boot.commandLine))</cmdline>",
            ]
        } else {
            lines.append("    <boot dev='hd'/>")
        }
        lines += [
            "  </os>",
            "  <features><acpi/><apic/></features>",
        ]
        if runAsRoot {
            lines.append("  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>")
        }
        lines += [
            "  <sysinfo type='fwcfg'>",
            "    <entry name='opt/com.coreos/config' file=\"\(a(configPath))\"/>",
            "  </sysinfo>",
            "  <on_poweroff>destroy</on_poweroff>",
            "  <on_reboot>restart</on_reboot>",
            "  <on_crash>destroy</on_crash>",
            "  <devices>",
            "    <disk type='file' device='disk'>",
            "      <driver name='qemu' type='qcow2' cache='unsafe' discard='unmap'/>",
            "      <source file=\"\(a(overlayPath))\"/>",
            "      <target dev='vda' bus='virtio'/>",
            "      <serial>primary-disk</serial>",
            "    </disk>",
        ]
        for (index, path) in additionalDiskPaths.enumerated() {
            let letter = String(UnicodeScalar(UInt8(ascii: "b") + UInt8(index)))
            lines += [
                "    <disk type='file' device='disk'>",
                "      <driver name='qemu' type='raw' cache='unsafe' discard='unmap'/>",
                "      <source file=\"\(a(path))\"/>",
                "      <target dev='vd\(letter)' bus='virtio'/>",
                "      <serial>extra-disk-\(index + 1)</serial>",
                "    </disk>",
            ]
        }
        lines += [
            "    <serial type='file'>",
            "      <source path=\"\(a(consolePath))\"/>",
            "      <target port='0'/>",
            "    </serial>",
            "    <channel type='file'>",
            "      <source path=\"\(a(journalPath))\"/>",
            "      <target type='virtio' name='\(JournalStream.portName)'/>",
            "    </channel>",
            "    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
            "    <panic model='isa'/>",
            "    <memballoon model='none'/>",
            "  </devices>",
            "  <qemu:commandline>",
        ]
        let restrict = allowOutsideNetwork ? "" : ",restrict=on"
        var netdevs = ["user,id=kiln0\(restrict),hostfwd=tcp:127.0.0.1:\(sshPort)-:22"]
        netdevs += (0..<additionalNICs).map { "user,id=kiln\($0 + 1),net=10.0.\($0 + 3).0/24\(restrict)" }
        for (index, netdev) in netdevs.enumerated() {
            let device = "virtio-net-pci,netdev=kiln\(index),bus=pcie.0,addr=0x\(String(0x10 + index, radix: 16)),romfile="
            lines += [
                "    <qemu:arg value=\"-netdev\"/>", "    <qemu:arg value=\"\(a(netdev))\"/>",
                "    <qemu:arg value=\"-device\"/>", "    <qemu:arg value=\"\(a(device))\"/>",
            ]
        }
        if let port = privateNetwork, let hub = port.hubPath, let mine = port.machinePath {
            let netdev = privateNetworkSocket.map { "stream,id=private,server=off,addr.type=unix,addr.path=\($0)" }
                ?? "dgram,id=private,local.type=unix,local.path=\(mine),remote.type=unix,remote.path=\(hub)"
            let device = "virtio-net-pci,netdev=private,mac=\(port.macAddress),bus=pcie.0,addr=0x\(String(0x10 + netdevs.count, radix: 16)),romfile="
            lines += [
                "    <qemu:arg value=\"-netdev\"/>", "    <qemu:arg value=\"\(a(netdev))\"/>",
                "    <qemu:arg value=\"-device\"/>", "    <qemu:arg value=\"\(a(device))\"/>",
            ]
        }
        lines += ["  </qemu:commandline>", "</domain>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The host's CPU under KVM; under TCG ``EmulatedCPU`` (not `maximum`, whose mitigations TCG
    /// pays for on every system call).
    static func cpu(kvm: Bool) -> [String] {
        guard !kvm else { return ["  <cpu mode='host-passthrough'/>"] }
        return ["  <cpu mode='custom' match='exact' check='none'>", "    <model fallback='forbid'>\(EmulatedCPU.model)</model>"]
            + EmulatedCPU.features.map { "    <feature policy='require' name='\($0)'/>" } + ["  </cpu>"]
    }
}
