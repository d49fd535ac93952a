import CLibvirt

/// A lifecycle event of a domain, as libvirt's event loop delivers it.
public struct LibvirtDomainEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case defined, undefined, started, suspended, resumed, shutdown, pmSuspended
        /// The domain stopped; `reason` is libvirt's: shutdown, destroyed, crashed, failed, ...
        case stopped(reason: StopReason)
        /// The guest crashed (a panic device reported it).
        case crashed
        /// The guest reset itself (a reboot inside the same domain).
        case reboot
        case other(event: Int32, detail: Int32)
    }

    public enum StopReason: Sendable, Equatable {
        case shutdown, destroyed, crashed, migrated, saved, failed, fromSnapshot, other(Int32)
    }

    public var domain: String
    public var kind: Kind

    public init(domain: String, kind: Kind) {
        self.domain = domain
        self.kind = kind
    }

    static func lifecycle(domain: String, event: Int32, detail: Int32) -> LibvirtDomainEvent {
        let kind: Kind
        switch UInt32(event) {
        case VIR_DOMAIN_EVENT_DEFINED.rawValue: kind = .defined
        case VIR_DOMAIN_EVENT_UNDEFINED.rawValue: kind = .undefined
        case VIR_DOMAIN_EVENT_STARTED.rawValue: kind = .started
        case VIR_DOMAIN_EVENT_SUSPENDED.rawValue: kind = .suspended
        case VIR_DOMAIN_EVENT_RESUMED.rawValue: kind = .resumed
        case VIR_DOMAIN_EVENT_SHUTDOWN.rawValue: kind = .shutdown
        case VIR_DOMAIN_EVENT_PMSUSPENDED.rawValue: kind = .pmSuspended
        case VIR_DOMAIN_EVENT_CRASHED.rawValue: kind = .crashed
        case VIR_DOMAIN_EVENT_STOPPED.rawValue:
            let reason: StopReason
            switch UInt32(detail) {
            case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN.rawValue: reason = .shutdown
            case VIR_DOMAIN_EVENT_STOPPED_DESTROYED.rawValue: reason = .destroyed
            case VIR_DOMAIN_EVENT_STOPPED_CRASHED.rawValue: reason = .crashed
            case VIR_DOMAIN_EVENT_STOPPED_MIGRATED.rawValue: reason = .migrated
            case VIR_DOMAIN_EVENT_STOPPED_SAVED.rawValue: reason = .saved
            case VIR_DOMAIN_EVENT_STOPPED_FAILED.rawValue: reason = .failed
            case VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT.rawValue: reason = .fromSnapshot
            default: reason = .other(detail)
            }
            kind = .stopped(reason: reason)
        default: kind = .other(event: event, detail: detail)
        }
        return LibvirtDomainEvent(domain: domain, kind: kind)
    }
}

/// Domain events of one connection (lifecycle and reboot, of every domain) as an async
/// sequence, until ``cancel()`` or release. The callbacks run on libvirt's event-loop thread
/// and only hand the event over.
public final class LibvirtEventSubscription: @unchecked Sendable {
    public let events: AsyncStream<LibvirtDomainEvent>
    private let connection: LibvirtConnection
    private var callbackIDs: [Int32] = []

    /// Holds the continuation for the C callbacks; retained by libvirt until deregistration.
    final class Sink {
        let continuation: AsyncStream<LibvirtDomainEvent>.Continuation
        init(_ continuation: AsyncStream<LibvirtDomainEvent>.Continuation) { self.continuation = continuation }
    }

    init(connection: LibvirtConnection) throws(LibvirtError) {
        self.connection = connection
        let (stream, continuation) = AsyncStream.makeStream(of: LibvirtDomainEvent.self, bufferingPolicy: .bufferingNewest(1024))
        events = stream
        let lifecycle: @convention(c) (OpaquePointer?, OpaquePointer?, Int32, Int32, UnsafeMutableRawPointer?) -> Void = {
            _, domain, event, detail, opaque in
            guard let opaque, let domain else { return }
            let sink = Unmanaged<Sink>.fromOpaque(opaque).takeUnretainedValue()
            let name = virDomainGetName(domain).map { String(cString: $0) } ?? ""
            sink.continuation.yield(.lifecycle(domain: name, event: event, detail: detail))
        }
        let reboot: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, domain, opaque in
            guard let opaque, let domain else { return }
            let sink = Unmanaged<Sink>.fromOpaque(opaque).takeUnretainedValue()
            let name = virDomainGetName(domain).map { String(cString: $0) } ?? ""
            sink.continuation.yield(LibvirtDomainEvent(domain: name, kind: .reboot))
        }
        let release: @convention(c) (UnsafeMutableRawPointer?) -> Void = { opaque in
            guard let opaque else { return }
            let sink = Unmanaged<Sink>.fromOpaque(opaque).takeRetainedValue()
            sink.continuation.finish()
        }
        let registrations: [(Int32, virConnectDomainEventGenericCallback)] = [
            (Int32(VIR_DOMAIN_EVENT_ID_LIFECYCLE.rawValue), unsafeBitCast(lifecycle, to: virConnectDomainEventGenericCallback.self)),
            (Int32(VIR_DOMAIN_EVENT_ID_REBOOT.rawValue), reboot),
        ]
        for (id, callback) in registrations {
            // One retained sink per registration: libvirt releases each through `release`.
            let opaque = Unmanaged.passRetained(Sink(continuation)).toOpaque()
            let callbackID = virConnectDomainEventRegisterAny(connection.pointer, nil, id, callback, opaque, release)
            guard callbackID >= 0 else {
                Unmanaged<Sink>.fromOpaque(opaque).release()
                let error = LibvirtError.last(operation: "subscribe to domain events of \(connection.uri)")
                cancel()
                throw error
            }
            callbackIDs.append(callbackID)
        }
    }

    /// Stops the events; the sequence then ends.
    public func cancel() {
        for id in callbackIDs { virConnectDomainEventDeregisterAny(connection.pointer, id) }
        callbackIDs.removeAll()
    }

    deinit { cancel() }
}

extension LibvirtConnection {
    /// Lifecycle and reboot events of every domain of this connection.
    public func subscribeToDomainEvents() throws(LibvirtError) -> LibvirtEventSubscription {
        try LibvirtEventSubscription(connection: self)
    }
}
