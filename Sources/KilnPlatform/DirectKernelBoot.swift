/// A kernel and initramfs handed to the hypervisor, with the kernel's command line, instead of
/// the boot loader on the machine's disk choosing them (QEMU's `-kernel`, `-initrd`, `-append`;
/// libvirt's `<kernel>`, `<initrd>`, `<cmdline>` in `<os>`).
///
/// With UEFI firmware the firmware still runs: OVMF finds the kernel in QEMU's fw_cfg and
/// starts it through its EFI stub before any boot option on the disk, so the disk's boot loader
/// (systemd-boot, GRUB) never runs. Every boot of the machine, reboots included, starts this
/// kernel with this command line.
public struct DirectKernelBoot: Sendable, Equatable {
    /// Absolute path of the kernel image (a bzImage) on this machine.
    public var kernelPath: String
    /// Absolute path of the initramfs on this machine.
    public var initramfsPath: String
    /// The whole kernel command line, exactly as the hypervisor passes it (the firmware may
    /// add to it: OVMF appends `initrd=initrd` when it hands over the initramfs).
    public var commandLine: String
    /// The kernel's sha256, when known: a remote libvirt host gets a copy verified against it.
    public var kernelSHA256: String?
    /// The initramfs's sha256, when known (as `kernelSHA256`).
    public var initramfsSHA256: String?

    public init(kernelPath: String, initramfsPath: String, commandLine: String,
                kernelSHA256: String? = nil, initramfsSHA256: String? = nil) {
        self.kernelPath = kernelPath
        self.initramfsPath = initramfsPath
        self.commandLine = commandLine
        self.kernelSHA256 = kernelSHA256
        self.initramfsSHA256 = initramfsSHA256
    }

    /// Why a directly booted machine is not rebooted: the hypervisor hands the same command
    /// line, `ignition.firstboot` included, to every boot, so Ignition would run again.
    public static let rebootRefusal = "a directly booted machine (--direct-kernel-boot) cannot be rebooted: every boot gets the same kernel command line, ignition.firstboot included, so Ignition would run again; boot from the disk to test reboots"

    /// The same boot with `arguments` appended to the command line (later arguments win in the
    /// kernel and in most of what reads `/proc/cmdline`).
    public func appending(_ arguments: [String]) -> DirectKernelBoot {
        var copy = self
        copy.commandLine = ([commandLine] + arguments).filter { !$0.isEmpty }.joined(separator: " ")
        return copy
    }
}
