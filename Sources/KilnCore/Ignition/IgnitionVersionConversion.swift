/// Converts an Ignition config between spec versions 3.0.0–3.5.0.
///
/// Spec 3 only ever adds: each version accepts everything of the one before with the same
/// meaning, so converting up rewrites `ignition.version`. Converting down does the same when the
/// config uses nothing the target lacks — neither a field introduced later (``IgnitionField/since``)
/// nor a value the target refuses (a `sha256` hash in 3.0.0, the `none` filesystem format before
/// 3.3.0, an `arn:` URL, setuid bits before 3.4.0) — and otherwise fails naming the first such
/// path, which is what a guest with an older Ignition needs to hear before it boots. A config
/// carrying a field its own version ignores is refused too: converting it would change its meaning.
public enum IgnitionVersionConversion {
    /// `config` as a config of `target`. Throws a ``ConfigError`` naming the path that has no
    /// equivalent in `target`; `source` names the config in it.
    public static func convert(_ config: IgnitionConfig, to target: IgnitionSpecVersion,
                               source: String) throws(ConfigError) -> IgnitionConfig
    {
        let positions = config.positions
        guard IgnitionSpecVersion.validatorVersions.contains(target) else {
            let known = IgnitionSpecVersion.validatorVersions.map(\.description).joined(separator: ", ")
            throw ConfigError(source: source, position: nil, path: nil,
                              message: "cannot convert to spec \(target): Kiln knows \(known)")
        }
        if let (path, since) = newerField(in: config.json, type: .object(IgnitionSchema.config), at: "$", target: config.version) {
            throw ConfigError(source: source, position: positions[path], path: path,
                              message: "cannot convert: a \(config.version) config ignores this field (introduced in spec \(since)), and converting would make it take effect; remove it or raise ignition.version")
        }
        let rewritten = config.json.setting(
            "ignition", to: (config.json["ignition"] ?? .object([])).setting("version", to: .string(target.description)))
        if target < config.version {
            if let (path, since) = newerField(in: config.json, type: .object(IgnitionSchema.config), at: "$", target: target) {
                throw ConfigError(source: source, position: positions[path], path: path,
                                  message: "cannot convert to spec \(target): this field was introduced in spec \(since)")
            }
            // Values the older spec refuses: findings at the target that the original lacks.
            let before = Set(IgnitionValidator.validate(JSONDocument(value: config.json)).map(\.identity))
            let after = IgnitionValidator.validate(JSONDocument(value: rewritten))
            if let lost = after.first(where: { !before.contains($0.identity) }) {
                throw ConfigError(source: source, position: positions[lost.path], path: lost.path,
                                  message: "cannot convert to spec \(target): \(lost.message)")
            }
        }
        return try IgnitionConfig(json: rewritten, source: source, positions: positions)
    }

    /// The first path (in document order) of a field newer than `target`, with its version.
    static func newerField(in value: JSONValue, type: IgnitionFieldType, at path: String,
                           target: IgnitionSpecVersion) -> (String, IgnitionSpecVersion)?
    {
        switch (type, value) {
        case (.object(let schema), .object(let members)):
            for member in members where member.value != .null {
                guard let field = schema.field(member.key) else { continue }
                let memberPath = "\(path).\(member.key)"
                if field.since > target { return (memberPath, field.since) }
                if let found = newerField(in: member.value, type: field.type, at: memberPath, target: target) {
                    return found
                }
            }
        case (.array(let element), .array(let items)):
            for (index, item) in items.enumerated() {
                if let found = newerField(in: item, type: element, at: "\(path).\(index)", target: target) { return found }
            }
        default:
            break
        }
        return nil
    }
}

extension ConfigDiagnostic {
    /// What a finding says about which value, regardless of where the text sits.
    fileprivate var identity: String { "\(severity.rawValue) \(path) \(message)" }
}

extension JSONDocument {
    /// A document for a value that has no source text (positions unknown).
    public init(value: JSONValue) {
        self.init(value: value, positions: [:])
    }
}

extension IgnitionConfig {
    /// This config as one of spec `target` (``IgnitionVersionConversion``).
    public func converted(to target: IgnitionSpecVersion, source: String) throws(ConfigError) -> IgnitionConfig {
        try IgnitionVersionConversion.convert(self, to: target, source: source)
    }
}
