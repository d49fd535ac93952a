import CKilnSupport
import Foundation
import KilnPlatform

/// A machine's writable disks, held only as open descriptors: a qcow2 overlay on the build's
/// image and a private copy of the UEFI variable store. Their names are removed as soon as they
/// are open, so the files vanish with the last descriptor, even if Kiln is killed.
struct MachineDisks: ~Copyable {
    let overlay: Int32
    let variables: Int32?
    /// Extra empty raw disks: sparse nameless files of the asked sizes.
    let additional: [Int32]

    init(image: String, firmware: UEFIFirmware?, directory: String, machine: String, additionalGiB: [Int] = []) async throws {
        let overlayPath = "\(directory)/.overlay-\(getpid())-\(machine).qcow2"
        try await MachineImageFiles.createOverlay(on: image, at: overlayPath, machine: machine)
        let overlay = open(overlayPath, O_RDWR | O_CLOEXEC)
        let openErrno = errno
        unlink(overlayPath)
        guard overlay >= 0 else {
            throw MachineError.setupFailed(machine: machine, "cannot open the overlay: \(String(cString: strerror(openErrno)))")
        }
        var variables: Int32?
        if let firmware {
            do {
                variables = try Self.anonymousCopy(of: firmware.variablesTemplate, in: directory)
            } catch {
                close(overlay)
                throw MachineError.setupFailed(machine: machine, "cannot copy UEFI variables \(firmware.variablesTemplate): \(error)")
            }
        }
        var additional: [Int32] = []
        for size in additionalGiB {
            let fd = kiln_open_tmpfile(directory)
            if fd < 0 || ftruncate(fd, off_t(size) << 30) != 0 {
                let failure = errno
                if fd >= 0 { close(fd) }
                ([overlay] + (variables.map { [$0] } ?? []) + additional).forEach { close($0) }
                throw MachineError.setupFailed(machine: machine, "cannot make a \(size) GiB extra disk: \(String(cString: strerror(failure)))")
            }
            additional.append(fd)
        }
        self.overlay = overlay
        self.variables = variables
        self.additional = additional
    }

    /// A nameless file (O_TMPFILE) in `directory` holding a copy of `path`.
    private static func anonymousCopy(of path: String, in directory: String) throws -> Int32 {
        let contents = try Data(contentsOf: URL(fileURLWithPath: path))
        let fd = kiln_open_tmpfile(directory)
        guard fd >= 0 else { throw SystemError("open a nameless file in \(directory)", errno: errno) }
        let written = contents.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == contents.count else {
            close(fd)
            throw SystemError("write the copy of \(path)", errno: errno)
        }
        return fd
    }

    /// Closes Kiln's descriptors (QEMU keeps its own).
    func release() {
        close(overlay)
        if let variables { close(variables) }
        additional.forEach { close($0) }
    }
}
