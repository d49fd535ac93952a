/// A denylist: kola's `kola-denylist.yaml`, a list of entries naming tests that are known to fail,
/// each with a tracker, optionally limited to streams, architectures and platforms, and either
/// skipped (until a `snooze` day, or for good) or run with failures as warnings (`warn`).
///
/// Kiln reads the file more strictly than kola (whose YAML decoder ignores what it does not
/// know): an unknown key, a value of the wrong type, a missing `pattern` or `tracker`, a bad
/// date or glob is an error naming the file, line and column.
public struct Denylist: Sendable, Equatable {
    public var entries: [DenylistEntry]

    public init(entries: [DenylistEntry] = []) {
        self.entries = entries
    }

    /// Parses the YAML text of a denylist; `source` names the file in errors. An empty file is an
    /// empty denylist.
    public init(parsing text: String, source: String) throws(DenylistError) {
        let root: YAMLNode?
        do {
            root = try YAMLNode.parse(text, source: source)
        } catch {
            throw DenylistError(source: source, position: error.position, message: error.message)
        }
        guard let root, !root.isNull else {
            self.init()
            return
        }
        guard case .sequence(let items) = root.kind else {
            throw DenylistError(source: source, position: root.position,
                                message: "a denylist must be a list of entries, found \(DenylistEntry.described(root))")
        }
        var entries: [DenylistEntry] = []
        for item in items { entries.append(try DenylistEntry(yaml: item, source: source)) }
        self.init(entries: entries)
    }

    /// What the denylist does to the test `name` in a run on `stream` (nil when unknown), `arch`
    /// and `platform`, on `today`; nil when no entry applies. As in kola, a skip wins over a
    /// warning; among entries of the same effect, the first in the file is reported.
    public func match(test name: String, stream: String?, arch: String, platform: String,
                      today: DenylistDate) -> DenylistMatch? {
        var warning: DenylistMatch?
        for entry in entries where !entry.isSkipConsoleWarnings
            && entry.applies(stream: stream, arch: arch, platform: platform) && entry.pattern.matches(name) {
            switch entry.action(today: today) {
            case .skip: return DenylistMatch(action: .skip, entry: entry)
            case .warn: if warning == nil { warning = DenylistMatch(action: .warn, entry: entry) }
            case nil: break
            }
        }
        return warning
    }

    /// Whether an applicable `skip-console-warnings` entry makes every console and journal check
    /// a warning for the whole run (its `snooze` and `warn` are not read, as in kola).
    public func skipsConsoleWarnings(stream: String?, arch: String, platform: String) -> Bool {
        entries.contains { $0.isSkipConsoleWarnings && $0.applies(stream: stream, arch: arch, platform: platform) }
    }

    /// Entries whose snooze day has come, whatever their scope: they no longer skip anything and
    /// should be removed, renewed or turned into `warn`.
    public func expiredEntries(today: DenylistDate) -> [DenylistEntry] {
        entries.filter { $0.isExpired(today: today) }
    }

    /// True when some entry is limited to streams: such entries do not apply when the run's
    /// stream is unknown, which deserves a warning.
    public var hasStreamScopedEntries: Bool { entries.contains { !$0.streams.isEmpty } }
}

/// A denylist that cannot be read, with where.
public struct DenylistError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the denylist came from.
    public var source: String
    /// Where in the file, when known.
    public var position: SourcePosition?
    public var message: String

    public init(source: String, position: SourcePosition?, message: String) {
        self.source = source
        self.position = position
        self.message = message
    }

    /// `file:line:col: message`.
    public var description: String {
        guard let position else { return "\(source): \(message)" }
        return "\(source):\(position.line):\(position.column): \(message)"
    }
}
