/// An Ignition config as Kiln handles it: the author's JSON, checked for the shape Ignition
/// needs before anything else, plus the edits Kiln makes (its SSH key for the login user).
///
/// The model of every section is the schema in ``IgnitionSchema``: one table, with the version
/// that introduced each field, drives validation (``IgnitionValidator``), merging
/// (``IgnitionMerge``), version conversion (``IgnitionVersionConversion``) and Butane translation
/// (``ButaneTranslator``). The JSON keeps members in the author's order, so that a config Kiln
/// edits comes out as it was written.
public struct IgnitionConfig: Sendable, Equatable {
    /// The whole config.
    public private(set) var json: JSONValue
    /// `ignition.version`.
    public let version: IgnitionSpecVersion
    /// Where each value was written in the source (JSON or Butane YAML), by Ignition path; not
    /// part of equality, and empty for configs Kiln built.
    public var positions: [String: SourcePosition] = [:]

    public static func == (lhs: IgnitionConfig, rhs: IgnitionConfig) -> Bool {
        lhs.json == rhs.json && lhs.version == rhs.version
    }

    /// Parses an Ignition config. `source` names it in errors (a file path, or a test's name).
    public init(parsing text: String, source: String) throws(ConfigError) {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: text)
        } catch {
            throw ConfigError(source: source, position: error.position, path: nil,
                              message: "not valid JSON: \(error.message)")
        }
        try self.init(json: document.value, source: source, positions: document.positions)
    }

    /// Wraps an already-parsed config.
    public init(json: JSONValue, source: String, positions: [String: SourcePosition] = [:]) throws(ConfigError) {
        func fail(_ path: String, _ message: String) -> ConfigError {
            ConfigError(source: source, position: positions[path], path: path, message: message)
        }
        guard case .object = json else {
            throw fail("$", "an Ignition config must be a JSON object, found \(json.typeName)")
        }
        guard let ignition = json["ignition"] else {
            throw fail("$", "missing required section \"ignition\" (with \"version\")")
        }
        guard case .object = ignition else {
            throw fail("$.ignition", "\"ignition\" must be an object, found \(ignition.typeName)")
        }
        guard let versionValue = ignition["version"] else {
            throw fail("$.ignition", "missing required field \"ignition.version\"")
        }
        guard let versionText = versionValue.stringValue else {
            throw fail("$.ignition.version", "\"ignition.version\" must be a string, found \(versionValue.typeName)")
        }
        guard let version = IgnitionSpecVersion(versionText), version.major == 3 else {
            throw fail("$.ignition.version",
                       "unsupported config version \"\(versionText)\": Kiln handles Ignition spec 3.x (e.g. \"3.3.0\")")
        }
        self.json = json
        self.version = version
        self.positions = positions
    }

    /// An empty config of the given version.
    public static func empty(version: IgnitionSpecVersion = .init(major: 3, minor: 3)) -> IgnitionConfig {
        // An object with a valid version always passes the checks above.
        let json: JSONValue = .object([JSONMember(key: "ignition", value: .object([
            JSONMember(key: "version", value: .string(version.description))
        ]))])
        return try! IgnitionConfig(json: json, source: "<empty>")  // swiftlint:disable:this force_try
    }

    /// Returns this config with `keys` added to `sshAuthorizedKeys` of `user` in `passwd.users`
    /// (creating the user entry or the section as needed, keeping keys already there): a merge
    /// by Ignition's rules, where users are keyed by name and keys are a set.
    public func addingSSHAuthorizedKeys(_ keys: [String], forUser user: String) -> IgnitionConfig {
        merged(withSections: [JSONMember(key: "passwd", value: .object([JSONMember(key: "users", value: .array([.object([
            JSONMember(key: "name", value: .string(user)),
            JSONMember(key: "sshAuthorizedKeys", value: .array(keys.map(JSONValue.string))),
        ])]))]))])
    }

    /// The config as compact JSON, as it is handed to the guest.
    public var rendered: String { json.serialized() }
}

/// A config that Kiln refuses, with where and why.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or test) the config came from.
    public var source: String
    /// Where in the file, when known.
    public var position: SourcePosition?
    /// The JSON path of the offending value, in Ignition's notation (`$.passwd.users.0`).
    public var path: String?
    public var message: String

    public init(source: String, position: SourcePosition?, path: String?, message: String) {
        self.source = source
        self.position = position
        self.path = path
        self.message = message
    }

    public var description: String {
        var where_ = source
        if let position { where_ += ":\(position.line):\(position.column)" }
        if let path, path != "$" { where_ += " (\(path))" }
        return "\(where_): \(message)"
    }
}
