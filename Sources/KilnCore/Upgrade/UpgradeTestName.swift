/// The name of an upgrade path's test: `upgrade.from-<version>`, or
/// `upgrade.rollback.from-<version>` when the update must roll back.
public enum UpgradeTestName {
    static let prefix = "upgrade.from-"
    static let rollbackPrefix = "upgrade.rollback.from-"

    public static func name(from version: String, rollback: Bool) -> String {
        (rollback ? rollbackPrefix : prefix) + version
    }

    /// The version a path's test updates from; nil for another name.
    public static func source(of name: String) -> String? {
        for prefix in [rollbackPrefix, prefix] where name.hasPrefix(prefix) && name.count > prefix.count {
            return String(name.dropFirst(prefix.count))
        }
        return nil
    }
}
