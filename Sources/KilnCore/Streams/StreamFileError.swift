/// A stream's published metadata (`releases.json`, `release.json`, `streams/<stream>.json`,
/// `updates/<stream>.json`) that cannot be read or changed as asked: the file, where in it,
/// the field and what was expected.
public struct StreamFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as the user should see it; empty until the caller that knows it fills it in
    /// (``inFile(_:)``).
    public var source: String
    /// Where in the file, when known.
    public var position: SourcePosition?
    /// The key path of the offending value (`releases[3].metadata.rollout.start_percentage`);
    /// empty for the document itself.
    public var path: String
    public var message: String

    /// An error at `path` of `source` (filled in later when empty).
    public init(source: String = "", position: SourcePosition? = nil, path: String, message: String) {
        self.source = source
        self.position = position
        self.path = path
        self.message = message
    }

    /// This error, naming `source` as its file when it names none yet.
    public func inFile(_ source: String) -> StreamFileError {
        var copy = self
        if copy.source.isEmpty { copy.source = source }
        return copy
    }

    /// `file:line:col: key.path: message`, leaving out what is not known.
    public var description: String {
        var parts: [String] = []
        if !source.isEmpty {
            parts.append(position.map { "\(source):\($0.line):\($0.column)" } ?? source)
        }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
