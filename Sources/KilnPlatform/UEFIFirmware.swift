import Foundation

/// The UEFI firmware files QEMU boots a UEFI image with: read-only code, and a template of the
/// variable store that every machine gets a private copy of.
public struct UEFIFirmware: Sendable, Equatable {
    public var code: String
    public var variablesTemplate: String

    public init(code: String, variablesTemplate: String) {
        self.code = code
        self.variablesTemplate = variablesTemplate
    }

    /// Where distributions install OVMF: Debian's `ovmf` package first.
    public static let candidates: [UEFIFirmware] = [
        .init(code: "/usr/share/OVMF/OVMF_CODE_4M.fd", variablesTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd"),
        .init(code: "/usr/share/OVMF/OVMF_CODE.fd", variablesTemplate: "/usr/share/OVMF/OVMF_VARS.fd"),
        .init(code: "/usr/share/edk2/ovmf/OVMF_CODE.fd", variablesTemplate: "/usr/share/edk2/ovmf/OVMF_VARS.fd"),
    ]

    /// The first installed firmware, or nil.
    public static func find() -> UEFIFirmware? {
        candidates.first {
            FileManager.default.isReadableFile(atPath: $0.code)
                && FileManager.default.isReadableFile(atPath: $0.variablesTemplate)
        }
    }
}
