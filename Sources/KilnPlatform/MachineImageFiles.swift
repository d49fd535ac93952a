import Foundation

/// Files every platform makes for a machine from the build's image: its qcow2 overlay, and
/// the UEFI firmware it boots with.
public enum MachineImageFiles {
    /// qemu-img's arguments that create a qcow2 overlay at `path` whose backing file is
    /// `image` (never written); the libvirt platform runs them on its host.
    public static func overlayArguments(on image: String, at path: String) -> [String] {
        ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", image, "-o", "lazy_refcounts=on", path]
    }

    /// Creates a qcow2 overlay at `path` whose backing file is `image` (never written).
    /// - Throws: `MachineError.setupFailed` with what qemu-img said.
    public static func createOverlay(on image: String, at path: String, machine: String) async throws {
        let created = try await runHostCommand("qemu-img", overlayArguments(on: image, at: path))
        guard created.status.succeeded else {
            unlink(path)
            throw MachineError.setupFailed(machine: machine, "qemu-img could not create an overlay on \(image): \(created.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// The UEFI firmware `spec`'s machine boots with (nil: BIOS), its own choice or else the
    /// image's: `found` (looked up once per run) or one looked up now.
    /// - Throws: `MachineError.setupFailed` when UEFI is asked for and no OVMF is installed.
    public static func uefiFirmware(for spec: MachineSpec, image: BootImage, found: UEFIFirmware?) throws -> UEFIFirmware? {
        guard (spec.firmware ?? image.firmware) == .uefi else { return nil }
        guard let firmware = found ?? UEFIFirmware.find() else {
            throw MachineError.setupFailed(machine: spec.id, "UEFI was asked for but no OVMF firmware is installed (harness/setup installs ovmf)")
        }
        return firmware
    }
}
