import CLibvirt
import Glibc

/// A domain on a libvirt connection. libvirt's domain objects are thread-safe, which makes the
/// unchecked `Sendable` sound; the reference is released with this object. Calls block until
/// libvirt answers (for a remote connection, a round trip).
public final class LibvirtDomain: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The domain's name, as libvirt knows it.
    public let name: String

    init(pointer: OpaquePointer) {
        self.pointer = pointer
        self.name = virDomainGetName(pointer).map { String(cString: $0) } ?? ""
    }

    deinit { virDomainFree(pointer) }

    /// What the domain is doing.
    public enum State: Sendable, Equatable {
        case running, blocked, paused, shuttingDown, shutOff, crashed, suspended, unknown
    }

    public func state() throws(LibvirtError) -> State {
        var state: Int32 = 0
        var reason: Int32 = 0
        guard virDomainGetState(pointer, &state, &reason, 0) == 0 else { throw LibvirtError.last(operation: "state of \(name)") }
        switch UInt32(state) {
        case VIR_DOMAIN_RUNNING.rawValue: return .running
        case VIR_DOMAIN_BLOCKED.rawValue: return .blocked
        case VIR_DOMAIN_PAUSED.rawValue: return .paused
        case VIR_DOMAIN_SHUTDOWN.rawValue: return .shuttingDown
        case VIR_DOMAIN_SHUTOFF.rawValue: return .shutOff
        case VIR_DOMAIN_CRASHED.rawValue: return .crashed
        case VIR_DOMAIN_PMSUSPENDED.rawValue: return .suspended
        default: return .unknown
        }
    }

    /// Whether the domain is defined persistently (Kiln's are transient: gone once stopped).
    public func isPersistent() throws(LibvirtError) -> Bool {
        let result = virDomainIsPersistent(pointer)
        guard result >= 0 else { throw LibvirtError.last(operation: "persistence of \(name)") }
        return result == 1
    }

    /// Stops the domain at once (the virtual power cord). A transient domain is gone afterwards.
    public func destroy() throws(LibvirtError) {
        guard virDomainDestroy(pointer) == 0 else { throw LibvirtError.last(operation: "destroy \(name)") }
    }

    /// Asks the guest to power off (ACPI, or the agent): the domain stops once the guest has
    /// shut down, with a `stopped(shutdown)` event. A transient domain is gone afterwards.
    public func shutdown() throws(LibvirtError) {
        guard virDomainShutdown(pointer) == 0 else { throw LibvirtError.last(operation: "shut down \(name)") }
    }

    /// Asks the guest to reboot; the domain then does what its `<on_reboot>` says (Kiln's:
    /// restart, in the same domain, with a reboot event).
    public func reboot() throws(LibvirtError) {
        guard virDomainReboot(pointer, 0) == 0 else { throw LibvirtError.last(operation: "reboot \(name)") }
    }

    /// Resets the domain as its reset button would, without the guest's cooperation.
    public func reset() throws(LibvirtError) {
        guard virDomainReset(pointer, 0) == 0 else { throw LibvirtError.last(operation: "reset \(name)") }
    }

    /// The domain's XML as libvirt has it now.
    public func xmlDescription() throws(LibvirtError) -> String {
        guard let text = virDomainGetXMLDesc(pointer, 0) else { throw LibvirtError.last(operation: "XML of \(name)") }
        defer { free(text) }
        return String(cString: text)
    }

    /// The custom metadata element of `namespace` in the domain's XML, or nil when it has none.
    public func metadata(namespace: String) throws(LibvirtError) -> String? {
        guard let text = virDomainGetMetadata(pointer, Int32(VIR_DOMAIN_METADATA_ELEMENT.rawValue), namespace, 0) else {
            let error = LibvirtError.last(operation: "metadata of \(name)")
            if error.code == Int32(VIR_ERR_NO_DOMAIN_METADATA.rawValue) { return nil }
            throw error
        }
        defer { free(text) }
        return String(cString: text)
    }
}
