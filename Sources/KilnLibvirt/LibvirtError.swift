import CLibvirt

/// A libvirt error: the operation Kiln asked for, with libvirt's code and message, read with
/// `virGetLastError` on the thread that made the failing call (libvirt keeps the last error
/// per thread).
public struct LibvirtError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    /// libvirt's `virErrorNumber` (`VIR_ERR_NO_DOMAIN` is 42, ...); -1 when libvirt said nothing.
    public var code: Int32
    /// libvirt's `virErrorDomain`: the part of libvirt that raised it (`VIR_FROM_QEMU` is 10,
    /// `VIR_FROM_RPC` 7, ...); -1 when libvirt said nothing.
    public var domain: Int32
    public var message: String

    public init(operation: String, code: Int32, domain: Int32 = -1, message: String) {
        self.operation = operation
        self.code = code
        self.domain = domain
        self.message = message
    }

    /// The calling thread's last libvirt error, for `operation`.
    static func last(operation: String) -> LibvirtError {
        guard let error = virGetLastError() else {
            return LibvirtError(operation: operation, code: -1, message: "unknown libvirt error")
        }
        return LibvirtError(operation: operation, code: error.pointee.code, domain: error.pointee.domain,
                            message: error.pointee.message.map { String(cString: $0) } ?? "no message")
    }

    /// libvirt has no domain by that name or UUID.
    public var isNoDomain: Bool { code == Int32(VIR_ERR_NO_DOMAIN.rawValue) }

    public var description: String { "libvirt: \(operation) failed: \(message) (code \(code))" }
}
