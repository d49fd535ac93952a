/// Merges two Ignition configs the way Ignition merges a config with one it fetched through
/// `ignition.config.merge` (`config/merge/merge.go` of coreos/ignition):
///
/// - In an object, every member the child sets overrides the parent's; objects merge member by
///   member, recursively. A `null` member counts as not set.
/// - A list of objects is keyed (files, directories and links by `path`, in one namespace; units,
///   drop-ins, users, groups, RAID arrays and LUKS volumes by `name`; disks and filesystems by
///   `device`; partitions by `number`, else `label`; resources by `source`; headers by `name`;
///   Tang servers by `url`). A child entry whose key matches a parent entry is merged into it in
///   the parent's place; a child entry whose key matches a parent entry of another list of the same
///   namespace (a file where the parent has a directory) removes that entry; the rest is appended.
/// - A list of strings is a set: the child's new values are appended. `kernelArguments` keeps
///   `shouldExist` and `shouldNotExist` in one namespace, so a child can turn one into the other.
///
/// The merged config carries the newer of the two versions; the caller converts versions first
/// (``IgnitionVersionConversion``) when the result must fit a particular guest.
public enum IgnitionMerge {
    /// `child` merged into `parent`. Both must be JSON objects shaped like Ignition configs
    /// (validated ones); members the schema does not know are merged as opaque values.
    public static func merge(_ parent: JSONValue, _ child: JSONValue) -> JSONValue {
        var merged = mergeObject(parent, child, schema: IgnitionSchema.config)
        let versions = [parent, child].compactMap { $0["ignition"]?["version"]?.stringValue }
            .compactMap(IgnitionSpecVersion.init)
        if let newest = versions.max() {
            let ignition = merged["ignition"] ?? .object([])
            merged = merged.setting("ignition", to: ignition.setting("version", to: .string(newest.description)))
        }
        return merged
    }

    /// The key of a list entry of `schema`, or nil when the entry has none (which Ignition appends).
    static func key(of entry: JSONValue, schema: IgnitionObjectSchema) -> String? {
        func string(_ name: String) -> String? {
            guard let value = entry[name], value != .null else { return nil }
            return value.stringValue ?? value.serialized()
        }
        switch schema.name {
        case "File", "Directory", "Link": return string("path")
        case "Disk", "Filesystem": return string("device")
        case "Resource": return string("source")
        case "Tang": return string("url")
        case "Partition":
            if let number = entry["number"]?.intValue, number != 0 { return "number:\(number)" }
            return string("label").map { "label:\($0)" }
        default: return string("name")
        }
    }

    /// The lists of `schema` whose keys share one namespace, by field name.
    private static func namespaces(of schema: IgnitionObjectSchema) -> [[String]] {
        switch schema.name {
        case "Storage": [["files", "directories", "links"]]
        case "KernelArguments": [["shouldExist", "shouldNotExist"]]
        default: []
        }
    }

    private static func mergeObject(_ parent: JSONValue, _ child: JSONValue, schema: IgnitionObjectSchema) -> JSONValue {
        guard case .object(var members) = parent, case .object(let childMembers) = child else {
            return child == .null ? parent : child
        }
        // Entries of the child that take a key from a sibling list remove it there first.
        for group in namespaces(of: schema) {
            for field in group {
                guard let childList = child[field]?.arrayValue else { continue }
                let keys = Set(childList.compactMap { entryKey($0, in: schema.field(field)) })
                for sibling in group where sibling != field {
                    guard let index = members.firstIndex(where: { $0.key == sibling }),
                        let list = members[index].value.arrayValue
                    else { continue }
                    let kept = list.filter { entry in
                        guard let key = entryKey(entry, in: schema.field(sibling)) else { return true }
                        return !keys.contains(key)
                    }
                    members[index].value = .array(kept)
                }
            }
        }
        for member in childMembers where member.value != .null {
            let field = schema.field(member.key)
            guard let index = members.firstIndex(where: { $0.key == member.key }), members[index].value != .null else {
                members.append(member)
                continue
            }
            members[index].value = mergeValue(members[index].value, member.value, type: field?.type)
        }
        return .object(members)
    }

    private static func mergeValue(_ parent: JSONValue, _ child: JSONValue, type: IgnitionFieldType?) -> JSONValue {
        switch type {
        case .object(let schema)?:
            return mergeObject(parent, child, schema: schema)
        case .array(of: .object(let schema))?:
            return mergeKeyedList(parent, child, schema: schema)
        case .array?:
            guard let parentItems = parent.arrayValue, let childItems = child.arrayValue else { return child }
            var items = parentItems
            for item in childItems where !items.contains(item) { items.append(item) }
            return .array(items)
        default:
            return child
        }
    }

    private static func mergeKeyedList(_ parent: JSONValue, _ child: JSONValue, schema: IgnitionObjectSchema) -> JSONValue {
        guard let parentItems = parent.arrayValue, let childItems = child.arrayValue else { return child }
        var items = parentItems
        for item in childItems {
            if let key = key(of: item, schema: schema),
                let index = items.firstIndex(where: { Self.key(of: $0, schema: schema) == key })
            {
                items[index] = mergeObject(items[index], item, schema: schema)
            } else {
                items.append(item)
            }
        }
        return .array(items)
    }

    /// The namespace key of an entry of the list `field`: its key for lists of objects, the
    /// value itself for lists of strings.
    private static func entryKey(_ entry: JSONValue, in field: IgnitionField?) -> String? {
        if case .array(of: .object(let schema))? = field?.type { return key(of: entry, schema: schema) }
        return entry.stringValue
    }
}

extension IgnitionConfig {
    /// This config with `child` merged into it by Ignition's rules (``IgnitionMerge``); the
    /// result has the newer of the two spec versions.
    public func merged(with child: IgnitionConfig) -> IgnitionConfig {
        // The merge of two configs with valid versions has a valid version.
        try! IgnitionConfig(json: IgnitionMerge.merge(json, child.json), source: "<merged>")  // swiftlint:disable:this force_try
    }

    /// This config with top-level `sections` (such as `storage` or `systemd`) merged in as a
    /// child config of the same version, for the edits Kiln makes.
    public func merged(withSections sections: [JSONMember]) -> IgnitionConfig {
        let child = JSONValue.object([JSONMember(key: "ignition", value: .object([
            JSONMember(key: "version", value: .string(version.description))
        ]))] + sections)
        // Same version as this config, so the merge has a valid version.
        return try! IgnitionConfig(json: IgnitionMerge.merge(json, child), source: "<merged>")  // swiftlint:disable:this force_try
    }
}
