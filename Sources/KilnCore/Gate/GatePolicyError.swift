/// A gate policy file that cannot be read: where, at which key, and what was expected.
public struct GatePolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the policy came from.
    public var source: String
    /// Where in the file, when known.
    public var position: SourcePosition?
    /// The key path of the offending value (`streams.stable.flakes.max-rate`,
    /// `streams.testing.required[1].arch`); empty for the document itself.
    public var path: String
    public var message: String

    public init(source: String, position: SourcePosition?, path: String, message: String) {
        self.source = source
        self.position = position
        self.path = path
        self.message = message
    }

    /// `file:line:col: key.path: message`.
    public var description: String {
        var text = source
        if let position { text += ":\(position.line):\(position.column)" }
        if !path.isEmpty { text += ": \(path)" }
        return "\(text): \(message)"
    }
}
