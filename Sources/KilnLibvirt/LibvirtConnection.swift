import CLibvirt
import Glibc

/// A libvirt connection (`test:///default`, `qemu:///system`, `qemu+ssh://host/system`, ...).
/// libvirt connections are thread-safe, which makes the unchecked `Sendable` sound. Closed when
/// released. Calls block until libvirt answers.
public final class LibvirtConnection: @unchecked Sendable {
    let pointer: OpaquePointer
    public let uri: String

    /// Opens `uri`, with libvirt's event loop running (see ``LibvirtLibrary``).
    public init(uri: String) throws(LibvirtError) {
        LibvirtLibrary.prepare()
        guard let pointer = virConnectOpen(uri) else { throw LibvirtError.last(operation: "open \(uri)") }
        self.pointer = pointer
        self.uri = uri
        // A daemon that stops answering (a host gone from the network) closes the connection
        // after 5 s × 3 unanswered keepalives. Drivers without a daemon refuse it; that is fine.
        _ = virConnectSetKeepAlive(pointer, 5, 3)
    }

    deinit { virConnectClose(pointer) }

    /// Starts a transient domain from `xml`: never defined, so nothing of it remains once it
    /// stops. libvirt validates the XML against its schema first.
    /// With `autoDestroy` libvirt destroys the domain when this connection closes, however
    /// Kiln ends (the test driver does not support it).
    public func createTransientDomain(xml: String, autoDestroy: Bool = false) throws(LibvirtError) -> LibvirtDomain {
        var flags = UInt32(VIR_DOMAIN_START_VALIDATE.rawValue)
        if autoDestroy { flags |= UInt32(VIR_DOMAIN_START_AUTODESTROY.rawValue) }
        guard let domain = virDomainCreateXML(pointer, xml, flags) else {
            throw LibvirtError.last(operation: "create a domain")
        }
        return LibvirtDomain(pointer: domain)
    }

    /// The domain named `name`, or nil when there is none.
    public func domain(named name: String) throws(LibvirtError) -> LibvirtDomain? {
        guard let domain = virDomainLookupByName(pointer, name) else {
            let error = LibvirtError.last(operation: "look up \(name)")
            if error.isNoDomain { return nil }
            throw error
        }
        return LibvirtDomain(pointer: domain)
    }

    /// The domains of the connection: running ones, or all (defined ones too).
    public func domains(activeOnly: Bool = false) throws(LibvirtError) -> [LibvirtDomain] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let flags = activeOnly ? UInt32(VIR_CONNECT_LIST_DOMAINS_ACTIVE.rawValue) : 0
        let count = virConnectListAllDomains(pointer, &list, flags)
        guard count >= 0, let list else { throw LibvirtError.last(operation: "list domains") }
        defer { free(list) }
        return (0..<Int(count)).compactMap { list[$0].map(LibvirtDomain.init(pointer:)) }
    }

    /// The names of the running domains.
    public func activeDomainNames() throws(LibvirtError) -> [String] {
        try domains(activeOnly: true).map(\.name)
    }

    /// The host's memory and CPUs, as libvirt reports them.
    public func hostResources() throws(LibvirtError) -> (memoryMiB: Int, cpus: Int) {
        var info = virNodeInfo()
        guard virNodeGetInfo(pointer, &info) == 0 else { throw LibvirtError.last(operation: "host information of \(uri)") }
        return (Int(info.memory / 1024), Int(info.cpus))
    }

    /// The host's free memory in MiB.
    public func freeMemoryMiB() throws(LibvirtError) -> Int {
        let bytes = virNodeGetFreeMemory(pointer)
        guard bytes > 0 else { throw LibvirtError.last(operation: "free memory of \(uri)") }
        return Int(bytes / 1_048_576)
    }

    /// Whether the connection still works (false once a remote daemon is gone).
    public var isAlive: Bool { virConnectIsAlive(pointer) == 1 }
}
