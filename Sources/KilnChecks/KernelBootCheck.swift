import KilnCore
import KilnHarness
import KilnPlatform

/// How `basic.kernel-cmdline` tells which way the kernel was started, and checks it against how
/// the machine was booted.
///
/// - Direct kernel boot (the machine's report has the command line the hypervisor gave): every
///   word of that command line is in `/proc/cmdline` (the firmware may add some: OVMF appends
///   `initrd=initrd`), and no boot loader ran: systemd-boot's `LoaderEntrySelected` EFI
///   variable is not set and there is no GRUB `BOOT_IMAGE=`.
/// - Boot from the disk: a boot loader chose the kernel: systemd-boot's `LoaderEntrySelected`
///   names the entry it booted, or GRUB put `BOOT_IMAGE=` on the command line (Fedora CoreOS).
enum KernelBootCheck {
    /// systemd-boot's record of the entry it booted (the Boot Loader Interface's vendor GUID).
    static let loaderEntryVariable = "/sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

    static func check(_ ctx: TestContext, commandLine cmdline: String) async throws {
        ctx.log("/proc/cmdline: \(cmdline)")
        let words = cmdline.split(separator: " ").map(String.init)
        let grubImage = words.first { $0.hasPrefix("BOOT_IMAGE=") }
        // The variable's value: 4 attribute bytes, then the entry's name in UTF-16LE. efivarfs
        // files cannot seek, so `tail` reads them from a pipe.
        let entry = try await ctx.machine.check(
            "if [ -e \(loaderEntryVariable) ]; then cat \(loaderEntryVariable) | tail -c +5 | tr -d '\\000'; else echo -n none; fi")
        if let given = ctx.machine.bootReport().kernelCommandLine {
            let missing = given.split(separator: " ").map(String.init).filter { !words.contains($0) }
            try ctx.require(missing.isEmpty, "booted directly with '\(given)', but /proc/cmdline ('\(cmdline)') lacks \(missing.joined(separator: " "))")
            try ctx.require(entry == "none", "booted directly, yet systemd-boot recorded the entry '\(entry)' (LoaderEntrySelected)")
            try ctx.require(grubImage == nil, "booted directly, yet GRUB's \(grubImage ?? "") is on the command line")
            ctx.log("direct kernel boot: /proc/cmdline has the \(given.split(separator: " ").count) given argument(s); no boot loader ran")
        } else {
            try ctx.require(entry != "none" || grubImage != nil,
                            "booted from the disk, but no boot loader says it started the kernel (no LoaderEntrySelected, no BOOT_IMAGE= in '\(cmdline)')")
            try ctx.require(!entry.isEmpty, "systemd-boot's LoaderEntrySelected names no entry")
            ctx.log("booted from the disk by \(entry != "none" ? "systemd-boot, entry \(entry)" : "GRUB, \(grubImage ?? "")")")
        }
    }
}
