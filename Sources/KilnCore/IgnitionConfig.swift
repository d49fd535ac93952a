import Foundation

/// An Ignition config as Kiln handles it: the author's JSON, checked for the shape Ignition
/// needs before anything else, plus the edits Kiln makes (its SSH key for the login user).
///
/// The full typed model and validation of every section come with the Ignition issue; this type
/// keeps every member it does not interpret exactly as written.
public struct IgnitionConfig: Sendable, Equatable {
    /// The whole config.
    public private(set) var json: JSONValue
    /// `ignition.version`.
    public let version: IgnitionSpecVersion

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
    }

    /// An empty config of the given version.
    public static func empty(version: IgnitionSpecVersion = .init(major: 3, minor: 3)) -> IgnitionConfig {
        // An object with a valid version always passes the checks above.
        let json: JSONValue = .object([JSONMember(key: "ignition", value: .object([
            JSONMember(key: "version", value: .string(version.description))
        ]))])
        return try! IgnitionConfig(json: json, source: "<empty>")  // swiftlint:disable:this force_try
    }

    /// Checks that a guest whose Ignition accepts at most `maximum` can read this config.
    public func checkSupported(byGuestAcceptingAtMost maximum: IgnitionSpecVersion, source: String) throws(ConfigError) {
        if version > maximum {
            throw ConfigError(source: source, position: nil, path: "$.ignition.version",
                              message: "config version \(version) is newer than the build's Ignition accepts (at most \(maximum))")
        }
    }

    /// Returns this config with `keys` added to `sshAuthorizedKeys` of `user` in `passwd.users`
    /// (creating the user entry or the section as needed, keeping keys already there).
    public func addingSSHAuthorizedKeys(_ keys: [String], forUser user: String) -> IgnitionConfig {
        var copy = self
        let passwd = json["passwd"] ?? .object([])
        var users = passwd["users"]?.arrayValue ?? []
        let newKeys = keys.map(JSONValue.string)
        if let index = users.firstIndex(where: { $0["name"]?.stringValue == user }) {
            let existing = users[index]["sshAuthorizedKeys"]?.arrayValue ?? []
            let merged = existing + newKeys.filter { !existing.contains($0) }
            users[index] = users[index].setting("sshAuthorizedKeys", to: .array(merged))
        } else {
            users.append(.object([
                JSONMember(key: "name", value: .string(user)),
                JSONMember(key: "sshAuthorizedKeys", value: .array(newKeys)),
            ]))
        }
        copy.json = json.setting("passwd", to: passwd.setting("users", to: .array(users)))
        return copy
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

extension IgnitionConfig {
    /// A config of `version` whose `ignition.config.merge` lists each of `configs` as a data URL,
    /// so the guest's own Ignition merges them with its own rules, as kola does for
    /// `--append-ignition`.
    public static func merging(_ configs: [IgnitionConfig], version: IgnitionSpecVersion) -> IgnitionConfig {
        let sources: [JSONValue] = configs.map { config in
            .object([JSONMember(key: "source", value: .string(
                "data:;base64," + Data(config.rendered.utf8).base64EncodedString()))])
        }
        var wrapper = empty(version: version)
        wrapper.json = wrapper.json.setting("ignition", to: .object([
            JSONMember(key: "version", value: .string(version.description)),
            JSONMember(key: "config", value: .object([JSONMember(key: "merge", value: .array(sources))])),
        ]))
        return wrapper
    }
}
