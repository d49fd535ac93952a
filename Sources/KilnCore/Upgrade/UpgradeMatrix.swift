/// One older build a candidate is tested as an update from, and why it was chosen.
public struct UpgradeSource: Sendable, Equatable {
    /// The build the machine boots first.
    public var version: String
    /// Where it stands relative to the candidate: `n-1`, `n-2`, `oldest` (of a stream's
    /// releases), `parent` (meta.json's parent version) or `given` (`--from`). A build can
    /// hold several (with two older releases, N-2 is also the oldest).
    public var roles: [String]

    public init(version: String, roles: [String]) {
        self.version = version
        self.roles = roles
    }
}

/// The builds `kiln run-upgrade --matrix` updates from: the newest release before the candidate
/// (N-1), the one before it (N-2), and the oldest release still listed, each once.
public enum UpgradeMatrix {
    /// - Parameters:
    ///   - candidate: the version being tested.
    ///   - releases: a stream's releases (any order); those that do not sort before `candidate`
    ///     (``BuildVersion``) are left out.
    public static func sources(candidate: String, releases: [String]) -> [UpgradeSource] {
        let limit = BuildVersion(candidate)
        var older: [String] = []
        for release in releases where BuildVersion(release) < limit && !older.contains(release) {
            older.append(release)
        }
        older.sort { BuildVersion($0) > BuildVersion($1) }
        var sources: [UpgradeSource] = []
        func add(_ version: String, _ role: String) {
            if let index = sources.firstIndex(where: { $0.version == version }) {
                sources[index].roles.append(role)
            } else {
                sources.append(UpgradeSource(version: version, roles: [role]))
            }
        }
        if older.count > 0 { add(older[0], "n-1") }
        if older.count > 1 { add(older[1], "n-2") }
        if let oldest = older.last { add(oldest, "oldest") }
        return sources
    }
}
