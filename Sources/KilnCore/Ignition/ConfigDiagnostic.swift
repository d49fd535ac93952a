/// One finding of ``IgnitionValidator``: how bad it is, where, and why.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How a finding affects the config, as Ignition grades it.
    public enum Severity: String, Sendable, Equatable, Comparable {
        /// Ignition would refuse the config.
        case error
        /// Ignition would accept the config but report this.
        case warning

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .warning && rhs == .error }
    }

    public var severity: Severity
    /// The JSON path of the value in Ignition's notation (`$.storage.files.0.mode`). For a
    /// missing field, the path it should have had.
    public var path: String
    /// Where the value (or, for a missing field, its nearest present ancestor) starts.
    public var position: SourcePosition?
    public var message: String

    public init(severity: Severity, path: String, position: SourcePosition?, message: String) {
        self.severity = severity
        self.path = path
        self.position = position
        self.message = message
    }

    /// `error at $.path, line L col C: message`, as `ignition-validate` prints it.
    public var description: String {
        var text = "\(severity.rawValue) at \(path)"
        if let position { text += ", \(position)" }
        return text + ": \(message)"
    }
}

extension Array where Element == ConfigDiagnostic {
    /// True when any diagnostic is an error, that is when Ignition would refuse the config.
    public var containsError: Bool { contains { $0.severity == .error } }
}
