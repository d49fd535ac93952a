import Foundation
public import KilnCore

/// The two languages a machine config can be written in.
public enum ConfigFormat: String, Sendable {
    /// Ignition JSON.
    case ignition
    /// Butane YAML (`variant: fcos`).
    case butane

    /// The format of `path`: by extension (`.bu`, `.yaml`, `.yml` are Butane; `.ign`, `.json`
    /// Ignition), else by content (a JSON object starts with `{`).
    public static func detect(path: String, text: String) -> ConfigFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "bu", "yaml", "yml": return .butane
        case "ign", "json": return .ignition
        default: return text.first(where: { !$0.isWhitespace }) == "{" ? .ignition : .butane
        }
    }
}

/// A config read from a file or a string, with every finding about it.
public struct LoadedConfig: Sendable {
    public var source: String
    public var format: ConfigFormat
    /// The Ignition config, nil when a finding is an error.
    public var config: IgnitionConfig?
    /// Findings, with paths and positions in the file as written.
    public var diagnostics: [ConfigDiagnostic]

    /// The config when it is usable: no error, and no warning unless `allowWarnings`.
    /// `allowHint` says how to allow warnings, in the message for a config that has only those.
    /// - Throws: `ConfigError` listing the findings.
    public func accepted(allowWarnings: Bool, allowHint: String = "--allow-config-warnings") throws(ConfigError) -> IgnitionConfig {
        if let config, !diagnostics.containsError, allowWarnings || diagnostics.isEmpty { return config }
        let why = diagnostics.containsError
            ? "this config is refused"
            : "this config has warnings (\(allowHint) accepts them)"
        throw ConfigError(source: source, position: nil, path: nil,
                          message: why + ":\n" + diagnostics.map { "  \($0)" }.joined(separator: "\n"))
    }
}

/// Reads Ignition and Butane configs; Butane `local` files come from `filesDirectory`.
public struct ConfigLoader: Sendable {
    public var filesDirectory: FilesDirectory?

    public init(filesDirectory: FilesDirectory? = nil) {
        self.filesDirectory = filesDirectory
    }

    /// Loads the file at `path`.
    /// - Throws: `ConfigError` when the file cannot be read or is not JSON/YAML at all.
    public func load(path: String) throws(ConfigError) -> LoadedConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(source: path, position: nil, path: nil, message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        return try load(text: text, source: path, format: .detect(path: path, text: text))
    }

    /// Loads `text` in `format`; `source` names it in findings.
    public func load(text: String, source: String, format: ConfigFormat) throws(ConfigError) -> LoadedConfig {
        switch format {
        case .butane:
            let translation = try ButaneTranslator(files: filesDirectory).translate(text, source: source)
            return LoadedConfig(source: source, format: .butane, config: translation.config, diagnostics: translation.diagnostics)
        case .ignition:
            let document: JSONDocument
            do {
                document = try JSONDocument(parsing: text)
            } catch {
                throw ConfigError(source: source, position: error.position, path: nil, message: "not valid JSON: \(error.message)")
            }
            let diagnostics = IgnitionValidator.validate(document)
            let config = diagnostics.containsError
                ? nil : try IgnitionConfig(json: document.value, source: source, positions: document.positions)
            return LoadedConfig(source: source, format: .ignition, config: config, diagnostics: diagnostics)
        }
    }
}
