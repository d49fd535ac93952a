/// A machine could not run because the infrastructure under it failed (its libvirt host lost
/// its daemon or refused to start domains), not because of the test: the runner drains that
/// host and runs the test again on another one, and reports the retry.
public struct InfrastructureFailure: Error, Sendable, CustomStringConvertible {
    /// The host, as the user named it (a libvirt URI).
    public var host: String
    public var reason: String

    public init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }

    public var description: String { "infrastructure: host \(host) failed: \(reason)" }
}
