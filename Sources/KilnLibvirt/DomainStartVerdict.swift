import CLibvirt

/// What a domain that would not start says about its host, read from libvirt's error code and
/// error domain and from whether the connection lives, never from the wording of the message
/// alone. A host is drained only for ``hostLost``, or for ``hostSide`` failures
/// ``HostRoom/hostSideFailuresToDrain`` times in a row (a start that succeeds ends the streak);
/// a ``machineSide`` failure fails that machine's test and leaves the host in the pool.
public enum DomainStartVerdict: Sendable, Equatable {
    /// The connection to the host is gone: the host is drained at once.
    case hostLost
    /// The host could not start QEMU (its daemon, memory, processes, cgroups, permissions) or
    /// its daemon did not answer: one such failure may be a passing hiccup, several in a row
    /// are the host's.
    case hostSide
    /// The machine's own failure: its XML, its name, its SSH port, a feature the domain asks for.
    case machineSide

    /// Error codes (`virErrorNumber`) that say the host failed to start a domain it was right to ask for.
    static let hostSideCodes: Set<UInt32> = [
        VIR_ERR_INTERNAL_ERROR.rawValue,  // QEMU exited while starting, the monitor closed
        VIR_ERR_NO_MEMORY.rawValue,
        VIR_ERR_SYSTEM_ERROR.rawValue,  // fork, cgroups, files the daemon cannot open
        VIR_ERR_OPERATION_TIMEOUT.rawValue,  // a daemon too busy to take the domain's lock
        VIR_ERR_RPC.rawValue, VIR_ERR_NO_CONNECT.rawValue, VIR_ERR_INVALID_CONN.rawValue,
        VIR_ERR_OPERATION_DENIED.rawValue, VIR_ERR_ACCESS_DENIED.rawValue,
        VIR_ERR_AUTH_FAILED.rawValue, VIR_ERR_AUTH_CANCELLED.rawValue, VIR_ERR_AUTH_UNAVAILABLE.rawValue,
    ]

    /// Error domains (`virErrorDomain`) of the transport to the daemon: any error of theirs is
    /// the connection's, not the machine's.
    static let transportDomains: Set<UInt32> = [VIR_FROM_RPC.rawValue, VIR_FROM_REMOTE.rawValue]

    /// Failures with a host-side code that are still the machine's: the SSH port Kiln chose was
    /// taken (QEMU reports it as an internal error; Kiln tries other ports first), or a domain
    /// of that name exists (another run's, or a leftover: never the host's fault).
    static let machineSideMessages = ["host forwarding rule", "already exists", "already active", "already defined"]

    /// The verdict on a failed domain start: `code` and `domain` as libvirt reported them,
    /// `message` its text, `connectionAlive` whether the connection still works.
    public static func classify(code: Int32, domain: Int32, message: String, connectionAlive: Bool) -> Self {
        guard connectionAlive else { return .hostLost }
        if code == Int32(VIR_ERR_DOM_EXIST.rawValue) { return .machineSide }
        if machineSideMessages.contains(where: message.contains) { return .machineSide }
        if domain >= 0, transportDomains.contains(UInt32(domain)) { return .hostSide }
        guard code >= 0, hostSideCodes.contains(UInt32(code)) else { return .machineSide }
        return .hostSide
    }

    /// The verdict on `error`, from a connection that is alive or not.
    public static func classify(_ error: LibvirtError, connectionAlive: Bool) -> Self {
        classify(code: error.code, domain: error.domain, message: error.message, connectionAlive: connectionAlive)
    }
}
