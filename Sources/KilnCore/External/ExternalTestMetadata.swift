/// The metadata of an external test (a script that runs inside the guest), read from the
/// `## kiln:` (or kola's `## kola:`) header in the first 8 KiB of the script: YAML on lines
/// prefixed `## `. Keys are kola's where they make sense for Kiln; parsing is strict, so an
/// unknown key or a wrong type is an error naming the script's file and line.
public struct ExternalTestMetadata: Sendable, Equatable {
    public var description: String = ""
    public var tags: [String] = []
    public var requiredTag: String?
    public var platforms = SelectorList()
    public var architectures = SelectorList()
    public var distros = SelectorList()
    public var streams = SelectorList()
    /// `timeoutMin`; nil: 10 minutes, 1 for a non-exclusive test (as kola).
    public var timeoutMinutes: Int?
    public var exclusive = true
    /// Tests that must not share a machine with this one (non-exclusive tests only).
    public var conflicts: [String] = []
    public var minMemoryMiB: Int?
    /// `minDisk`, in GB, for the primary disk.
    public var minDiskGB: Int?
    /// kola's disk specs, such as `5G`.
    public var additionalDisks: [String] = []
    public var additionalNics = 0
    public var appendKernelArgs: String?
    public var appendFirstbootKernelArgs: String?
    public var allowConfigWarnings = false
    /// Until 30 days after this date a failure only warns (kola's grace period for new tests).
    public var creationDate: DenylistDate?

    public init() {}

    /// kola's grace period for a new test: failures only warn for this many days after its
    /// `creationDate`.
    public static let graceDays = 30

    /// For a test with a `creationDate`, the first day its failures count again (until then
    /// they only warn).
    public var graceEnds: DenylistDate? { creationDate?.adding(days: Self.graceDays) }

    /// The first 8 KiB of a script are searched for the header.
    public static let headerLimit = 8192

    /// kola keys Kiln knows but does not support, with why.
    static let unsupportedKolaKeys: [String: String] = [
        "injectContainer": "Kiln does not inject OS containers",
        "numaNodes": "Kiln does not emulate NUMA",
        "bindMountHostRO": "Kiln does not share host directories with guests",
        "instanceType": "Kiln has no cloud instance types",
        "noInstanceCreds": "Kiln has no cloud instance credentials",
        "primaryDisk": "use minDisk",
        "bootFrom": "Kiln boots the build's disk image only",
        "requiredHostPorts": "Kiln's guests forward no fixed host ports",
    ]

    /// Reads the header of `script`; nil when there is none (the defaults apply).
    /// - Throws: `ConfigError` with the script's path (`source`), line and column.
    public static func parse(script: String, source: String) throws(ConfigError) -> ExternalTestMetadata? {
        let head = String(decoding: script.utf8.prefix(headerLimit), as: UTF8.self)
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { ["## kiln:", "## kola:"].contains($0.trimmingTrailingSpaces) }) else { return nil }
        var yaml: [Substring] = []
        for line in lines[(start + 1)...] {
            if line == "##" {
                yaml.append("")
            } else if line.hasPrefix("## ") {
                yaml.append(line.dropFirst(3))
            } else {
                break
            }
        }
        let offset = start + 1  // YAML line 1 is script line start + 2 (1-based)
        func shifted(_ position: SourcePosition?) -> SourcePosition? {
            position.map { SourcePosition(line: $0.line + offset, column: $0.column + 3) }
        }
        let root: YAMLNode?
        do {
            root = try YAMLNode.parse(yaml.joined(separator: "\n"), source: source)
        } catch {
            throw ConfigError(source: source, position: shifted(error.position), path: nil, message: error.message)
        }
        guard let root else { return ExternalTestMetadata() }
        guard case .mapping(let pairs) = root.kind else {
            throw ConfigError(source: source, position: shifted(root.position), path: nil,
                              message: "the \(lines[start].trimmingTrailingSpaces) header must be a YAML mapping of keys")
        }
        var metadata = ExternalTestMetadata()
        for pair in pairs {
            do {
                try metadata.set(pair)
            } catch {
                throw ConfigError(source: source, position: shifted(error.position), path: pair.key, message: error.message)
            }
        }
        if metadata.exclusive, !metadata.conflicts.isEmpty {
            throw ConfigError(source: source, position: shifted(pairs.first { $0.key == "conflicts" }?.keyPosition), path: "conflicts",
                              message: "conflicts applies to non-exclusive tests only (set exclusive: false)")
        }
        return metadata
    }

    private mutating func set(_ pair: YAMLPair) throws(ConfigError) {
        let node = pair.value
        func fail(_ message: String) -> ConfigError { ConfigError(source: "", position: node.position, path: pair.key, message: message) }
        func string() throws(ConfigError) -> String {
            guard let text = node.scalarText else { throw fail("\(pair.key) must be a string, found \(node.typeName)") }
            return text
        }
        func integer() throws(ConfigError) -> Int {
            guard let value = node.integerValue, value >= 0 else { throw fail("\(pair.key) must be a non-negative integer, found \(node.typeName)") }
            return value
        }
        func boolean() throws(ConfigError) -> Bool {
            guard let value = node.boolValue else { throw fail("\(pair.key) must be true or false, found \(node.typeName)") }
            return value
        }
        func strings() throws(ConfigError) -> [String] {
            guard case .sequence(let items) = node.kind else { throw fail("\(pair.key) must be a list of strings, found \(node.typeName)") }
            var values: [String] = []
            for item in items {
                guard let text = item.scalarText else {
                    throw ConfigError(source: "", position: item.position, path: pair.key, message: "\(pair.key) entries must be strings, found \(item.typeName)")
                }
                values.append(text)
            }
            return values
        }
        switch pair.key {
        case "description": description = try string()
        case "tags": tags = try string().split(whereSeparator: \.isWhitespace).map(String.init)
        case "requiredTag": requiredTag = try string()
        case "platforms": platforms = SelectorList(try string())
        case "architectures": architectures = SelectorList(try string())
        case "distros": distros = SelectorList(try string())
        case "streams": streams = SelectorList(try string())
        case "timeoutMin":
            let minutes = try integer()
            guard minutes > 0 else { throw fail("timeoutMin must be at least 1 (minutes)") }
            timeoutMinutes = minutes
        case "exclusive": exclusive = try boolean()
        case "conflicts": conflicts = try strings()
        case "minMemory": minMemoryMiB = try integer()
        case "minDisk": minDiskGB = try integer()
        case "additionalDisks": additionalDisks = try strings()
        case "additionalNics": additionalNics = try integer()
        case "appendKernelArgs": appendKernelArgs = try string()
        case "appendFirstbootKernelArgs": appendFirstbootKernelArgs = try string()
        case "allowConfigWarnings": allowConfigWarnings = try boolean()
        case "creationDate":
            let text = try string()
            guard let date = DenylistDate(text) else { throw fail("creationDate must be a date YYYY-MM-DD, found '\(text)'") }
            creationDate = date
        default:
            if let why = Self.unsupportedKolaKeys[pair.key] {
                throw ConfigError(source: "", position: pair.keyPosition, path: pair.key, message: "kola's \(pair.key) is not supported: \(why)")
            }
            throw ConfigError(source: "", position: pair.keyPosition, path: pair.key, message: "unknown key \(pair.key)")
        }
    }
}

/// kola's space-separated selector: `"x86_64 aarch64"` allows those, `"!s390x ppc64le"` (or
/// `"! s390x"`) excludes them.
public struct SelectorList: Sendable, Equatable {
    public var allow: [String] = []
    public var deny: [String] = []

    public init() {}

    public init(_ text: String) {
        let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if let first = tokens.first, first.hasPrefix("!") {
            deny = tokens.map { $0.hasPrefix("!") ? String($0.dropFirst()) : $0 }.filter { !$0.isEmpty }
        } else {
            allow = tokens
        }
    }
}

extension Substring {
    fileprivate var trimmingTrailingSpaces: Substring {
        var text = self
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        return text
    }
}
