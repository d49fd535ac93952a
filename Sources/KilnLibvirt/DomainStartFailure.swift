/// libvirt would not start a machine's domain: what ``LibvirtPlatform`` throws, so that its
/// pool can judge the host by libvirt's error (``DomainStartVerdict``), not by its wording.
/// ``LibvirtPool`` turns it into `MachineError.setupFailed` or, for a failed host, an
/// `InfrastructureFailure`.
public struct DomainStartFailure: Error, Sendable, CustomStringConvertible {
    /// The machine's id.
    public var machine: String
    public var error: LibvirtError

    public init(machine: String, error: LibvirtError) {
        self.machine = machine
        self.error = error
    }

    public var description: String { "machine \(machine): \(error)" }
}
