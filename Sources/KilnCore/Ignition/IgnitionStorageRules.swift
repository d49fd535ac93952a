/// Ignition's rules for `storage`: node paths, modes and owners, links, filesystems, and
/// duplicate entries.
struct StorageRules {
    let storage: JSONValue?
    let version: IgnitionSpecVersion

    /// The node kinds, in the order Ignition's duplicate check visits them (struct field order).
    private static let nodeKinds = ["directories", "files", "links"]

    func check(into report: inout DiagnosticReport) {
        guard let storage else { return }
        checkNodes(storage, into: &report)
        checkFilesystems(storage["filesystems"].elements, into: &report)
        for (index, disk) in storage["disks"].elements.enumerated() {
            checkDevicePath(disk["device"]?.stringValue, at: "$.storage.disks.\(index).device", into: &report)
        }
        report.duplicates(in: storage["disks"].elements, at: "$.storage.disks") { $0["device"]?.stringValue }
        report.duplicates(in: storage["raid"].elements, at: "$.storage.raid") { $0["name"]?.stringValue }
        for (index, luks) in storage["luks"].elements.enumerated() {
            let path = "$.storage.luks.\(index)"
            if (luks["name"]?.stringValue ?? "").contains("/") {
                report.error("\(path).name", "device names cannot contain slashes")
            }
            if let keyFile = luks["keyFile"], case .object(let members) = keyFile, !members.isEmpty {
                SemanticRules.checkResource(keyFile, at: "\(path).keyFile", version: version,
                                            sourceRequired: false, into: &report)
            }
        }
        report.duplicates(in: storage["luks"].elements, at: "$.storage.luks") { $0["name"]?.stringValue }
    }

    // MARK: files, directories, links

    private func checkNodes(_ storage: JSONValue, into report: inout DiagnosticReport) {
        var linkPaths: Set<String> = []
        for link in storage["links"].elements {
            if let path = link["path"]?.stringValue { linkPaths.insert(path) }
        }
        let directoryPaths = Set(storage["directories"].elements.compactMap { $0["path"]?.stringValue })
        var seenPaths: Set<String> = []
        for kind in Self.nodeKinds {
            for (index, node) in storage[kind].elements.enumerated() {
                let base = "$.storage.\(kind).\(index)"
                let path = node["path"]?.stringValue ?? ""
                if let problem = Self.pathProblem(path) { report.error("\(base).path", problem) }
                if !path.isEmpty, !seenPaths.insert(path).inserted {
                    report.error(base, "duplicate entry defined")
                }
                if Self.ancestors(of: path).contains(where: linkPaths.contains) {
                    let noun = ["directories": "directory", "files": "file", "links": "link"][kind] ?? kind
                    report.error(base, "\(noun) path includes link in config")
                }
                for owner in ["user", "group"] where node[owner]?["id"] != nil && node[owner]?["name"] != nil {
                    report.error("\(base).\(owner)", "cannot set both id and name")
                }
                if let mode = node["mode"]?.intValue { checkMode(mode, at: "\(base).mode", into: &report) }
                switch kind {
                case "files": checkFile(node, at: base, into: &report)
                case "links": checkLink(node, at: base, directories: directoryPaths, into: &report)
                default: break
                }
            }
        }
    }

    private func checkFile(_ file: JSONValue, at base: String, into report: inout DiagnosticReport) {
        let contents = file["contents"]
        if file["overwrite"] == .bool(true), (contents?["source"]?.stringValue ?? "").isEmpty {
            report.error("\(base).overwrite", "overwrite must be false if source is unspecified")
        }
        if let contents {
            SemanticRules.checkResource(contents, at: "\(base).contents", version: version, sourceRequired: false, into: &report)
        }
        for (index, fragment) in file["append"].elements.enumerated() {
            SemanticRules.checkResource(fragment, at: "\(base).append.\(index)", version: version,
                                        sourceRequired: false, into: &report)
        }
    }

    /// A link needs a target (from spec 3.3.0; older specs let it be empty), and a hard link
    /// cannot point at a directory of the config.
    private func checkLink(_ link: JSONValue, at base: String, directories: Set<String>, into report: inout DiagnosticReport) {
        let target = link["target"]?.stringValue ?? ""
        if target.isEmpty, version >= .v3_3 { report.error("\(base).target", "link target is required") }
        if link["hard"] == .bool(true), directories.contains(target) {
            report.error(base, "hard link target is a directory")
        }
    }

    /// Modes are 0..07777; setuid, setgid and sticky bits are accepted only from 3.4.0
    /// (Ignition 2.14's 3.4.0-experimental already accepts them).
    private func checkMode(_ mode: Int, at path: String, into report: inout DiagnosticReport) {
        if mode < 0 || mode > 0o7777 { report.error(path, "illegal file mode") }
        if mode & 0o7000 != 0, version < .v3_4_experimental {
            report.warning(path, "setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0")
        }
    }

    // MARK: filesystems

    private static func formats(for version: IgnitionSpecVersion) -> Set<String> {
        var formats: Set<String> = ["ext4", "btrfs", "xfs", "vfat", "swap"]
        if version >= .v3_3 { formats.insert("none") }
        return formats
    }

    /// The longest label each format takes.
    private static let labelLimits: [String: Int] = ["ext4": 16, "btrfs": 256, "xfs": 12, "swap": 15, "vfat": 11]

    private func checkFilesystems(_ filesystems: [JSONValue], into report: inout DiagnosticReport) {
        for (index, filesystem) in filesystems.enumerated() {
            let base = "$.storage.filesystems.\(index)"
            checkDevicePath(filesystem["device"]?.stringValue, at: "\(base).device", into: &report)
            let format = filesystem["format"]?.stringValue ?? ""
            if !format.isEmpty, !Self.formats(for: version).contains(format) {
                report.error("\(base).format", "invalid filesystem format")
            }
            if let mountPath = filesystem["path"]?.stringValue, !mountPath.isEmpty, let problem = Self.pathProblem(mountPath) {
                report.error("\(base).path", problem)
            }
            if let label = filesystem["label"]?.stringValue, let limit = Self.labelLimits[format], label.count > limit {
                report.error("\(base).label", "filesystem labels cannot be longer than \(limit) characters when using \(format)")
            }
            let others = ["path", "label", "uuid", "wipeFilesystem", "options", "mountOptions"]
            if format.isEmpty, others.contains(where: { Self.isSet(filesystem[$0]) }) {
                report.error("\(base).format",
                             "format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified")
            }
        }
        report.duplicates(in: filesystems, at: "$.storage.filesystems") { $0["device"]?.stringValue }
    }

    /// A member counts as set when present and not null; Go's zero values still count for
    /// pointers (`"label": ""`), but not for empty lists.
    private static func isSet(_ value: JSONValue?) -> Bool {
        switch value {
        case .none, .null?: false
        case .array(let elements)?: !elements.isEmpty
        default: true
        }
    }

    private func checkDevicePath(_ device: String?, at path: String, into report: inout DiagnosticReport) {
        if let problem = Self.pathProblem(device ?? "") { report.error(path, problem) }
    }

    // MARK: paths

    /// Why Ignition refuses `path` as a node path, or nil: it must be present, absolute, and
    /// already clean (no `.` or `..` component, no `//`, no trailing slash).
    static func pathProblem(_ path: String) -> String? {
        if path.isEmpty { return "path not specified" }
        guard path.hasPrefix("/") else { return "path not absolute" }
        if path == "/" { return nil }
        let components = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { return "path is not fully simplified" }
        return nil
    }

    /// The strict ancestors of an absolute path (`/a/b/c` → `/a`, `/a/b`).
    static func ancestors(of path: String) -> [String] {
        guard path.hasPrefix("/") else { return [] }
        var result: [String] = []
        var index = path.startIndex
        while let slash = path[path.index(after: index)...].firstIndex(of: "/") {
            result.append(String(path[..<slash]))
            index = slash
        }
        return result
    }
}
