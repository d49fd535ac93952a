/// Reading one denylist entry from its YAML mapping, strictly.
extension DenylistEntry {
    /// The keys an entry may have (kola's `DenyListObj`).
    public static let keys = ["pattern", "tracker", "streams", "arches", "platforms", "snooze", "warn"]

    /// Reads an entry; `source` names the file in errors.
    init(yaml node: YAMLNode, source: String) throws(DenylistError) {
        func fail(_ node: YAMLNode, _ message: String) -> DenylistError {
            DenylistError(source: source, position: node.position, message: message)
        }
        guard case .mapping(let pairs) = node.kind else {
            throw fail(node, "a denylist entry must be a mapping (pattern, tracker, ...), found \(Self.described(node))")
        }
        var pattern: String?
        var tracker: String?
        var entry = DenylistEntry(pattern: "", tracker: "", position: node.position)
        for pair in pairs {
            let value = pair.value
            func string() throws(DenylistError) -> String? {
                if value.isNull { return nil }
                guard case .scalar(let text, _) = value.kind else {
                    throw fail(value, "\"\(pair.key)\" must be a string, found \(Self.described(value))")
                }
                return text
            }
            func list() throws(DenylistError) -> [String] {
                if value.isNull { return [] }
                guard case .sequence(let items) = value.kind else {
                    throw fail(value, "\"\(pair.key)\" must be a list of strings, found \(Self.described(value))")
                }
                var strings: [String] = []
                for item in items {
                    guard let text = item.scalarText else {
                        throw fail(item, "\"\(pair.key)\" must be a list of strings, found an item that is \(Self.described(item))")
                    }
                    strings.append(text)
                }
                return strings
            }
            switch pair.key {
            case "pattern": pattern = try string()
            case "tracker": tracker = try string()
            case "streams": entry.streams = try list()
            case "arches": entry.arches = try list()
            case "platforms": entry.platforms = try list()
            case "snooze":
                guard let text = try string() else { break }
                guard let date = DenylistDate(text) else {
                    throw fail(value, "\"snooze\" must be a date YYYY-MM-DD, found \"\(text)\"")
                }
                entry.snooze = date
            case "warn":
                if value.isNull { break }
                guard let flag = Self.yamlBool(value) else {
                    throw fail(value, "\"warn\" must be true or false, found \(Self.described(value))")
                }
                entry.warn = flag
            case "osversion":
                throw DenylistError(source: source, position: pair.keyPosition, message:
                    "\"osversion\" is no longer supported (kola removed it in 2026: it skipped tests on every version); limit the entry with \"streams\" instead")
            default:
                throw DenylistError(source: source, position: pair.keyPosition, message:
                    "unknown key \"\(pair.key)\" in a denylist entry (known: \(Self.keys.joined(separator: ", ")))")
            }
        }
        guard let pattern, !pattern.isEmpty else {
            throw fail(node, "a denylist entry needs a \"pattern\" (a glob on test names)")
        }
        if let bracket = Glob(pattern).unterminatedBracketOffset {
            throw fail(Self.value(of: "pattern", in: pairs) ?? node,
                       "\"pattern\" \"\(pattern)\" has a \"[\" at offset \(bracket) without a closing \"]\"")
        }
        guard let tracker, tracker.hasPrefix("https://") || tracker.hasPrefix("http://") else {
            throw fail(Self.value(of: "tracker", in: pairs) ?? node,
                       "a denylist entry needs a \"tracker\": the http(s) URL of the issue that tracks the failure")
        }
        entry.pattern = Glob(pattern)
        entry.tracker = tracker
        if entry.isSkipConsoleWarnings, entry.snooze != nil || entry.warn {
            throw fail(node, "\"snooze\" and \"warn\" have no effect on \"\(Self.skipConsoleWarningsPattern)\"")
        }
        self = entry
    }

    /// "a string", "an integer", "a list", ...: a node's type, for messages.
    static func described(_ node: YAMLNode) -> String {
        let name = node.typeName
        return name == "null" ? name : (name == "integer" ? "an " : "a ") + name
    }

    private static func value(of key: String, in pairs: [YAMLPair]) -> YAMLNode? {
        pairs.first { $0.key == key }?.value
    }

    /// A plain boolean as kola's YAML 1.1 decoder reads it (`true`, `yes`, `on`, `y`, ...).
    private static func yamlBool(_ node: YAMLNode) -> Bool? {
        guard case .scalar(let text, plain: true) = node.kind else { return nil }
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE": return true
        case "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE": return false
        default: return nil
        }
    }
}
