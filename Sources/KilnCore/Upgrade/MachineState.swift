/// What Kiln reads from a machine before and after an update, to check that the update kept
/// what it must keep (``UpgradeInvariants``).
public struct MachineState: Sendable, Equatable {
    public var bootID: String
    /// `IMAGE_VERSION`, `VERSION_ID` and `OSTREE_VERSION` from os-release, those that are set.
    public var osRelease: [String: String]
    public var machineID: String
    /// `name:uid:gid:home:shell` per account, from `getent passwd`.
    public var users: [String]
    /// The files, directories and links the machine's Ignition config wrote, by path: a file's
    /// sha256, `directory`, `link -> TARGET`, or `missing`.
    public var ignitionNodes: [String: String]
    /// How units are enabled or masked: each symlink below `/etc/systemd` as `PATH -> TARGET`
    /// (`system/multi-user.target.wants/ssh.service -> /lib/systemd/system/ssh.service`).
    public var enabledUnits: [String]
    /// Units in the failed state.
    public var failedUnits: [String]
    /// What the OS says is installed, when the build has a status command.
    public var installed: UpdateStatus?

    public init(bootID: String, osRelease: [String: String], machineID: String, users: [String],
                ignitionNodes: [String: String], enabledUnits: [String], failedUnits: [String], installed: UpdateStatus?) {
        self.bootID = bootID
        self.osRelease = osRelease
        self.machineID = machineID
        self.users = users
        self.ignitionNodes = ignitionNodes
        self.enabledUnits = enabledUnits
        self.failedUnits = failedUnits
        self.installed = installed
    }

    /// The os-release keys read, in the order they name the running build.
    public static let versionKeys = ["IMAGE_VERSION", "OSTREE_VERSION", "VERSION_ID"]

    /// Whether os-release names `version` as the running build.
    public func runs(_ version: String) -> Bool {
        Self.versionKeys.contains { osRelease[$0] == version }
    }

    /// The running build as os-release names it, for messages.
    public var versionDescription: String {
        let named = Self.versionKeys.compactMap { key in osRelease[key].map { "\(key)=\($0)" } }
        return named.isEmpty ? "os-release names no version" : named.joined(separator: " ")
    }

    /// Where Ignition writes systemd units and their drop-ins.
    public static let ignitionUnitDirectory = "/etc/systemd/system"

    /// The paths an Ignition config writes, sorted: `storage.files`, `directories` and `links`,
    /// and in `ignitionUnitDirectory` each unit with `contents` or `mask` (a file, or a link to
    /// /dev/null) and each drop-in with `contents`. Enablement is the enabled-units invariant's.
    public static func ignitionPaths(of config: IgnitionConfig) -> [String] {
        var paths: Set<String> = []
        for section in ["files", "directories", "links"] {
            guard case .array(let nodes)? = config.json["storage"]?[section] else { continue }
            for node in nodes { if let path = node["path"]?.stringValue { paths.insert(path) } }
        }
        if case .array(let units)? = config.json["systemd"]?["units"] {
            for unit in units {
                guard let name = unit["name"]?.stringValue, !name.contains("/") else { continue }
                if unit["contents"]?.stringValue != nil || unit["mask"] == .bool(true) {
                    paths.insert("\(ignitionUnitDirectory)/\(name)")
                }
                guard case .array(let dropins)? = unit["dropins"] else { continue }
                for dropin in dropins {
                    if let file = dropin["name"]?.stringValue, !file.contains("/"), dropin["contents"]?.stringValue != nil {
                        paths.insert("\(ignitionUnitDirectory)/\(name).d/\(file)")
                    }
                }
            }
        }
        return paths.sorted()
    }
}
