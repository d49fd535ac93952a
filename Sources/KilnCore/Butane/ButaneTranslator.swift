/// Translates a Butane config (Fedora CoreOS Config, `variant: fcos`, 1.0.0–1.6.0) into the
/// Ignition config of the matching spec, as `butane` does: every Ignition field under its
/// snake_case name, plus the sugar people write — `inline` and `local` resources, `storage.trees`,
/// `contents_local` for units and drop-ins, `ssh_authorized_keys_local`, modes in octal.
///
/// Findings come back as diagnostics at Butane paths (`$.storage.files.0.mode`) with the YAML
/// line and column: Butane's own (wrong types, unused keys, local files) and, when those leave a
/// config, Ignition's validation of the result. Only a document that is not YAML, or has no
/// known `variant`/`version`, throws.
public struct ButaneTranslator: Sendable {
    /// The files directory `local` paths are read from; nil when none was given.
    public var files: (any ButaneFileSource)?

    public init(files: (any ButaneFileSource)? = nil) {
        self.files = files
    }

    /// Translates `text`; `source` names it in errors.
    public func translate(_ text: String, source: String) throws(ConfigError) -> ButaneTranslation {
        guard let root = try YAMLNode.parse(text, source: source), case .mapping(let pairs) = root.kind else {
            throw ConfigError(source: source, position: nil, path: "$",
                              message: "a Butane config must be a YAML mapping with \"variant\" and \"version\"")
        }
        let variant = try Self.variant(of: pairs, at: root.position, source: source)
        var walker = ButaneWalker(variant: variant, ignitionVersion: variant.ignitionVersion!, files: files)
        let body = walker.object(root, schema: IgnitionSchema.config, ignition: "$", butane: "$") ?? .object([])
        var diagnostics = walker.diagnostics
        let version = variant.ignitionVersion!
        let ignition = (body["ignition"] ?? .object([])).objectMembers ?? []
        let sections = (body.objectMembers ?? []).filter { $0.key != "ignition" }
        let json = JSONValue.object([JSONMember(key: "ignition", value: .object(
            [JSONMember(key: "version", value: .string(version.description))] + ignition))] + sections)
        guard !diagnostics.containsError else {
            return ButaneTranslation(variant: variant, config: nil, document: JSONDocument(value: json), diagnostics: diagnostics)
        }
        let document = JSONDocument(value: json, positions: walker.positions)
        for finding in IgnitionValidator.validate(document) {
            var mapped = finding
            mapped.path = walker.butanePath(for: finding.path)
            diagnostics.append(mapped)
        }
        let config = diagnostics.containsError ? nil : try IgnitionConfig(json: json, source: source, positions: walker.positions)
        return ButaneTranslation(variant: variant, config: config, document: document, diagnostics: diagnostics)
    }

    /// Reads and checks `variant` and `version`.
    private static func variant(of pairs: [YAMLPair], at position: SourcePosition, source: String) throws(ConfigError) -> ButaneVariant {
        func scalar(_ key: String) throws(ConfigError) -> (String, SourcePosition) {
            guard let pair = pairs.first(where: { $0.key == key }) else {
                throw ConfigError(source: source, position: position, path: "$.\(key)",
                                  message: "missing \"\(key)\": a Butane config starts with variant: fcos and version: 1.x.0")
            }
            guard let text = pair.value.scalarText else {
                throw ConfigError(source: source, position: pair.value.position, path: "$.\(key)",
                                  message: "\"\(key)\" must be a string, found \(pair.value.typeName)")
            }
            return (text, pair.value.position)
        }
        let (name, namePosition) = try scalar("variant")
        let (versionText, versionPosition) = try scalar("version")
        let knownList = ButaneVariant.known.map { $0.variant.description }.joined(separator: ", ")
        guard ButaneVariant.known.contains(where: { $0.variant.name == name }) else {
            throw ConfigError(source: source, position: namePosition, path: "$.variant",
                              message: "unknown variant \"\(name)\" (Kiln translates: \(knownList))")
        }
        guard let version = IgnitionSpecVersion(versionText),
            let variant = Optional(ButaneVariant(name: name, version: version)), variant.ignitionVersion != nil
        else {
            throw ConfigError(source: source, position: versionPosition, path: "$.version",
                              message: "unsupported \(name) version \"\(versionText)\" (Kiln translates: \(knownList))")
        }
        return variant
    }
}

/// The result of ``ButaneTranslator/translate(_:source:)``.
public struct ButaneTranslation: Sendable {
    public var variant: ButaneVariant
    /// The Ignition config, or nil when a diagnostic is an error.
    public var config: IgnitionConfig?
    /// The translated JSON with YAML positions, also when it has errors.
    public var document: JSONDocument
    /// Every finding, at Butane paths with YAML positions.
    public var diagnostics: [ConfigDiagnostic]
}

/// Walks a Butane YAML tree against Ignition's schema, producing Ignition JSON.
struct ButaneWalker {
    let variant: ButaneVariant
    let ignitionVersion: IgnitionSpecVersion
    let files: (any ButaneFileSource)?
    private(set) var diagnostics: [ConfigDiagnostic] = []
    /// YAML positions of the values of the produced config, by Ignition path.
    private(set) var positions: [String: SourcePosition] = [:]
    /// The Butane path each produced Ignition path came from.
    private var butanePaths: [String: String] = [:]

    init(variant: ButaneVariant, ignitionVersion: IgnitionSpecVersion, files: (any ButaneFileSource)?) {
        self.variant = variant
        self.ignitionVersion = ignitionVersion
        self.files = files
    }

    mutating func error(_ path: String, _ position: SourcePosition, _ message: String) {
        diagnostics.append(ConfigDiagnostic(severity: .error, path: path, position: position, message: message))
    }

    mutating func warning(_ path: String, _ position: SourcePosition, _ message: String) {
        diagnostics.append(ConfigDiagnostic(severity: .warning, path: path, position: position, message: message))
    }

    mutating func record(_ ignition: String, butane: String, at position: SourcePosition) {
        positions[ignition] = position
        butanePaths[ignition] = butane
    }

    /// The Butane path of an Ignition path: recorded, or its nearest recorded ancestor followed by
    /// the rest in snake_case.
    func butanePath(for ignition: String) -> String {
        var prefix = Substring(ignition)
        var rest: [Substring] = []
        while true {
            if let found = butanePaths[String(prefix)] {
                return ([Substring(found)] + rest.reversed().map { Substring(Self.snakeName(String($0))) }).joined(separator: ".")
            }
            guard let dot = prefix.lastIndex(of: ".") else { return ignition }
            rest.append(prefix[prefix.index(after: dot)...])
            prefix = prefix[..<dot]
        }
    }

    /// Butane's name for an Ignition field: `sshAuthorizedKeys` → `ssh_authorized_keys`,
    /// `sizeMiB` → `size_mib`.
    static func snakeName(_ name: String) -> String {
        var out = ""
        for character in name.replacingMiB() {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Translates `node` as a value of `type`; nil when it is null or wrong (then reported).
    mutating func value(_ node: YAMLNode, type: IgnitionFieldType, ignition: String, butane: String) -> JSONValue? {
        if node.isNull { return nil }
        record(ignition, butane: butane, at: node.position)
        switch type {
        case .string:
            if let text = node.scalarText { return .string(text) }
        case .integer:
            if let number = node.integerValue { return .number(String(number)) }
        case .boolean:
            if let flag = node.boolValue { return .bool(flag) }
        case .array(let element):
            if case .sequence(let items) = node.kind {
                var values: [JSONValue] = []
                for (index, item) in items.enumerated() {
                    guard let translated = value(item, type: element, ignition: "\(ignition).\(index)", butane: "\(butane).\(index)") else {
                        if item.isNull { error("\(butane).\(index)", item.position, "a list entry must not be null") }
                        return nil
                    }
                    values.append(translated)
                }
                return .array(values)
            }
        case .object(let schema):
            if case .mapping = node.kind { return object(node, schema: schema, ignition: ignition, butane: butane) }
        }
        error(butane, node.position, "wrong type: expected \(Self.expectedName(type)), found \(node.typeName)")
        return nil
    }

    private static func expectedName(_ type: IgnitionFieldType) -> String {
        switch type {
        case .object: "a mapping"
        case .array: "a list"
        case .integer: "an integer"
        default: "a \(type.name)"
        }
    }

    /// Translates a mapping as an object of `schema`: its fields, then the sugar of that object.
    mutating func object(_ node: YAMLNode, schema: IgnitionObjectSchema, ignition: String, butane: String) -> JSONValue? {
        guard case .mapping(let pairs) = node.kind else { return nil }
        record(ignition, butane: butane, at: node.position)
        var members: [String: JSONValue] = [:]
        let sugar = sugarKeys(of: schema, at: ignition)
        for pair in pairs {
            let path = "\(butane).\(pair.key)"
            if sugar.contains(pair.key) { continue }
            guard let field = schema.fields.first(where: { Self.snakeName($0.name) == pair.key }),
                field.since <= ignitionVersion, !(ignition == "$.ignition" && field.name == "version")
            else {
                warning(path, pair.keyPosition, "Unused key \(pair.key)")
                continue
            }
            if let translated = value(pair.value, type: field.type, ignition: "\(ignition).\(field.name)", butane: path) {
                members[field.name] = translated
            }
        }
        applySugar(to: &members, pairs: pairs, schema: schema, ignition: ignition, butane: butane)
        let ordered = schema.fields.compactMap { field in members[field.name].map { JSONMember(key: field.name, value: $0) } }
        return .object(ordered)
    }
}

extension String {
    /// `sizeMiB` → `sizeMib`, so that MiB becomes one word in snake_case.
    fileprivate func replacingMiB() -> String {
        guard hasSuffix("MiB") else { return self }
        return String(dropLast(3)) + "Mib"
    }
}
