import CLibvirt
import Glibc

/// A libvirt connection. libvirt connections are thread-safe, which makes the unchecked
/// `Sendable` sound. Closed when released.
public final class LibvirtConnection: @unchecked Sendable {
    private let pointer: OpaquePointer

    /// Opens `uri` (`test:///default`, `qemu:///system`, `qemu+ssh://host/system`, …).
    public init(uri: String) throws(LibvirtError) {
        guard let pointer = virConnectOpen(uri) else { throw LibvirtError.last(operation: "open \(uri)") }
        self.pointer = pointer
    }

    deinit { virConnectClose(pointer) }

    /// The names of the running domains.
    public func activeDomainNames() throws(LibvirtError) -> [String] {
        var domains: UnsafeMutablePointer<OpaquePointer?>?
        let count = virConnectListAllDomains(pointer, &domains, UInt32(VIR_CONNECT_LIST_DOMAINS_ACTIVE.rawValue))
        guard count >= 0, let domains else { throw LibvirtError.last(operation: "list domains") }
        defer { free(domains) }
        return (0..<Int(count)).compactMap { index in
            guard let domain = domains[index] else { return nil }
            defer { virDomainFree(domain) }
            return virDomainGetName(domain).map { String(cString: $0) }
        }
    }
}

/// A libvirt error, read on the thread that raised it.
public struct LibvirtError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    public var message: String

    static func last(operation: String) -> LibvirtError {
        guard let error = virGetLastError() else {
            return LibvirtError(operation: operation, code: -1, message: "unknown libvirt error")
        }
        return LibvirtError(operation: operation, code: error.pointee.code,
                            message: error.pointee.message.map { String(cString: $0) } ?? "no message")
    }

    public var description: String { "libvirt: \(operation) failed: \(message) (code \(code))" }
}
