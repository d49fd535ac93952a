internal import Yams

/// A YAML node as the Butane translator reads it: scalars keep their text and whether they were
/// plain (unquoted), so that types are decided by the schema the way Butane's YAML library
/// decides them, not by YAML 1.1's guesses (`yes` is a string here, not a boolean).
public struct YAMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A scalar; `plain` is false for quoted, literal and folded scalars, which are strings.
        case scalar(String, plain: Bool)
        /// A mapping, its keys in document order.
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    /// Where the node starts.
    public var position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// True for `~`, `null` and an empty plain scalar, which Butane treats as "not set".
    public var isNull: Bool {
        guard case .scalar(let text, plain: true) = kind else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The name of the node's type, for messages ("mapping", "list", "integer", "string").
    public var typeName: String {
        switch kind {
        case .mapping: "mapping"
        case .sequence: "list"
        case .scalar(_, let plain):
            if !plain { "string" } else if isNull { "null" } else if boolValue != nil { "boolean" }
            else if integerValue != nil { "integer" } else { "string" }
        }
    }

    /// The value of a plain `true`/`false` scalar (YAML 1.2 spellings only).
    public var boolValue: Bool? {
        guard case .scalar(let text, plain: true) = kind else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// The value of a plain integer scalar, read as Go's `strconv.ParseInt(s, 0, 64)` reads it,
    /// which is what Butane's YAML library does: `0644` and `0o644` are octal, `0x1F` hex.
    public var integerValue: Int? {
        guard case .scalar(var text, plain: true) = kind, !text.isEmpty else { return nil }
        var sign = 1
        if text.hasPrefix("-") || text.hasPrefix("+") {
            sign = text.hasPrefix("-") ? -1 : 1
            text.removeFirst()
        }
        let radix: Int
        let digits: Substring
        switch true {
        case text.hasPrefix("0x") || text.hasPrefix("0X"): (radix, digits) = (16, text.dropFirst(2))
        case text.hasPrefix("0o") || text.hasPrefix("0O"): (radix, digits) = (8, text.dropFirst(2))
        case text.hasPrefix("0b") || text.hasPrefix("0B"): (radix, digits) = (2, text.dropFirst(2))
        case text.count > 1 && text.hasPrefix("0"): (radix, digits) = (8, text.dropFirst())
        default: (radix, digits) = (10, Substring(text))
        }
        guard !digits.isEmpty, let magnitude = Int(digits, radix: radix) else { return nil }
        return sign * magnitude
    }

    /// The text of any non-null scalar.
    public var scalarText: String? {
        guard case .scalar(let text, _) = kind, !isNull else { return nil }
        return text
    }
}

/// One `key: value` entry of a YAML mapping.
public struct YAMLPair: Sendable, Equatable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: YAMLNode
}

extension YAMLNode {
    /// Parses one YAML document. Anchors and aliases are resolved; a duplicate key, a non-scalar
    /// key or a second document is an error with its line and column.
    public static func parse(_ text: String, source: String) throws(ConfigError) -> YAMLNode? {
        let root: Node?
        do {
            let parser = try Parser(yaml: text)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw configError(error, source: source)
        } catch {
            throw ConfigError(source: source, position: nil, path: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { return nil }
        return try convert(root, source: source)
    }

    private static func position(_ mark: Mark?) -> SourcePosition {
        SourcePosition(line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, source: String) throws(ConfigError) -> YAMLNode {
        switch node {
        case .scalar(let scalar):
            return YAMLNode(.scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any),
                            at: position(scalar.mark))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence { items.append(try convert(item, source: source)) }
            return YAMLNode(.sequence(items), at: position(sequence.mark))
        case .mapping(let mapping):
            var pairs: [YAMLPair] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigError(source: source, position: position(key.mark), path: nil,
                                      message: "a mapping key must be a plain value, not a \(key.mapping != nil ? "mapping" : "list")")
                }
                if let first = pairs.first(where: { $0.key == keyScalar.string }) {
                    throw ConfigError(source: source, position: position(keyScalar.mark), path: nil,
                                      message: "duplicate key \"\(keyScalar.string)\" (first at \(first.keyPosition))")
                }
                pairs.append(YAMLPair(key: keyScalar.string, keyPosition: position(keyScalar.mark),
                                      value: try convert(value, source: source)))
            }
            return YAMLNode(.mapping(pairs), at: position(mapping.mark))
        case .alias(let alias):
            throw ConfigError(source: source, position: position(alias.mark), path: nil, message: "unresolved YAML alias")
        }
    }

    private static func configError(_ error: YamlError, source: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(source: source, position: position(mark), path: nil, message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(source: source, position: position(context.mark), path: nil,
                               message: "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", "))")
        default:
            return ConfigError(source: source, position: nil, path: nil, message: "not valid YAML: \(error)")
        }
    }
}
