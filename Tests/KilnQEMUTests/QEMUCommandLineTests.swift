import KilnCore
import KilnPlatform
import KilnTesting
import Testing

@testable import KilnQEMU

struct QEMUCommandLineTests {
    static let uefi = QEMUCommandLine(
        accelerator: .tcg, memoryMiB: 1024, vcpus: 2, firmware: .uefi,
        firmwareCode: "/usr/share/OVMF/OVMF_CODE_4M.fd", configPath: "/out/basic.ssh/m0/config.ign",
        consolePath: "/out/basic.ssh/m0/console.txt", sshPort: 40022, restrictNetwork: true, name: "kiln-basic.ssh-m0")

    /// One option and its value per line.
    static func golden(_ arguments: [String]) -> String {
        var lines: [String] = []
        for argument in arguments {
            if !argument.hasPrefix("-"), let last = lines.last, last.hasPrefix("-"), !last.contains(" ") {
                lines[lines.count - 1] += " " + argument
            } else {
                lines.append(argument)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func uefiTCGMatchesGolden() {
        let text = Self.golden(Self.uefi.arguments)
        #expect(Fixtures.compareGolden(text, "qemu-argv/uefi-tcg.txt") == nil)
    }

    /// A machine of a multi-machine test with extra disks and NICs: descriptors 6 and 7, 8.
    @Test func clusterMachineWithExtrasMatchesGolden() {
        var line = Self.uefi
        line.privateNetworkMAC = "52:54:00:77:1a:01"
        line.additionalDisksGiB = [2, 4]
        line.additionalNICs = 1
        #expect(Fixtures.compareGolden(Self.golden(line.arguments), "qemu-argv/uefi-tcg-cluster-extras.txt") == nil)
    }

    @Test func biosKVMMatchesGolden() {
        var line = Self.uefi
        line.accelerator = .kvm
        line.firmware = .bios
        line.restrictNetwork = false
        let text = Self.golden(line.arguments)
        #expect(Fixtures.compareGolden(text, "qemu-argv/bios-kvm-network.txt") == nil)
    }

    /// Direct kernel boot: `-kernel`, `-initrd`, `-append` beside the UEFI firmware (OVMF starts
    /// the kernel from fw_cfg) and the disk, which still holds the root file system.
    @Test func directKernelBootMatchesGolden() {
        var line = Self.uefi
        line.directKernelBoot = DirectKernelBoot(
            kernelPath: "/builds/12.1/x86_64/kiln-reference-12.1-kernel.x86_64",
            initramfsPath: "/builds/12.1/x86_64/kiln-reference-12.1-initramfs.x86_64.img",
            commandLine: "root=PARTLABEL=root-a rw console=ttyS0,115200n8 ignition.platform.id=qemu ignition.firstboot kiln.test=1")
        let args = line.arguments
        #expect(Fixtures.compareGolden(Self.golden(args), "qemu-argv/uefi-tcg-direct-kernel-boot.txt") == nil)
        #expect(args.contains("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"))
        #expect(line.rendered(executable: "qemu").contains("-append 'root=PARTLABEL=root-a rw console=ttyS0,115200n8 ignition.platform.id=qemu ignition.firstboot kiln.test=1'"))
        #expect(!Self.uefi.arguments.contains("-kernel"))
    }

    @Test func forwardsSSHOnLoopbackOnlyAndDeliversIgnitionByFwCfg() {
        let args = Self.uefi.arguments
        let netdev = args[args.firstIndex(of: "-netdev")! + 1]
        #expect(netdev.contains("hostfwd=tcp:127.0.0.1:40022-:22"))
        #expect(netdev.contains("restrict=on"))
        #expect(args.contains("name=opt/com.coreos/config,file=/out/basic.ssh/m0/config.ign"))
        #expect(!args.contains("-no-reboot"))  // guest reboots stay in the same QEMU
    }

    @Test func renderedLineQuotesWhatTheShellWouldSplit() {
        var line = Self.uefi
        line.configPath = "/out/a b/config.ign"
        #expect(line.rendered(executable: "qemu-system-x86_64").contains("'name=opt/com.coreos/config,file=/out/a b/config.ign'"))
    }
}
