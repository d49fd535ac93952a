/// Why the results database could not be used.
public enum ResultsDatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No database at `path` (and it was not to be created).
    case missing(path: String)
    /// The database at `path` could not be opened, created or migrated.
    case unusable(path: String, reason: String)
    /// SQLite failed while reading or writing.
    case sqlite(path: String, reason: String)
    /// No run with this id was recorded.
    case unknownRun(Int64)
    /// A stored value Kiln cannot read (an outcome it does not know, malformed JSON).
    case corrupt(String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no results database at \(path): no run was recorded in this work directory yet"
        case .unusable(let path, let reason): "cannot open the results database \(path): \(reason)"
        case .sqlite(let path, let reason): "results database \(path): \(reason)"
        case .unknownRun(let id): "no run \(id) in the results database"
        case .corrupt(let what): "the results database holds \(what)"
        }
    }
}
