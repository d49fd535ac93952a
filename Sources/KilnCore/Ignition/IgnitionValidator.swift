/// Validates an Ignition config (spec 3.0.0 through 3.5.0) the way Ignition itself does, without
/// fetching anything: JSON types, unknown and too-new fields, required fields, and the semantic
/// rules of Ignition's `Validate` methods (paths, modes, URLs, hashes, units, duplicates).
///
/// Severities follow Ignition 2.14's `ignition-validate`, which Kiln's tests run against the
/// same corpus: an error means Ignition would refuse the config, a warning that it would accept
/// it and say so.
public struct IgnitionValidator: Sendable {
    /// The severity of a field that exists in the spec, but only from a version newer than the
    /// config's. Ignition ignores such a field with an "Unused key" warning, which is the default
    /// here; a stricter caller can make it an error.
    public var newerFieldSeverity: ConfigDiagnostic.Severity

    public init(newerFieldSeverity: ConfigDiagnostic.Severity = .warning) {
        self.newerFieldSeverity = newerFieldSeverity
    }

    /// Validates `document` with the default settings (Ignition's own severities).
    public static func validate(_ document: JSONDocument) -> [ConfigDiagnostic] {
        IgnitionValidator().validate(document)
    }

    /// All findings for `document`, in the order of the config. A config whose JSON types are
    /// wrong gets only those errors, as Ignition stops at them.
    public func validate(_ document: JSONDocument) -> [ConfigDiagnostic] {
        var report = DiagnosticReport(positions: document.positions)
        guard let version = specVersion(of: document.value, into: &report) else { return report.diagnostics }
        var walker = SchemaWalker(version: version, newerFieldSeverity: newerFieldSeverity)
        walker.check(document.value, against: .object(IgnitionSchema.config), at: "$", into: &report)
        if walker.foundTypeError { return report.diagnostics.filter { $0.severity == .error } }
        let rules = SemanticRules(config: document.value, version: version)
        rules.check(into: &report)
        return report.diagnostics
    }

    /// `ignition.version`, when the config has one the validator knows; otherwise reports why not.
    private func specVersion(of config: JSONValue, into report: inout DiagnosticReport) -> IgnitionSpecVersion? {
        guard case .object = config else {
            report.error("$", "an Ignition config must be a JSON object, found \(config.typeName)")
            return nil
        }
        guard let text = config["ignition"]?["version"]?.stringValue else {
            report.error("$.ignition.version", "invalid config version (couldn't parse): missing \"ignition.version\" string")
            return nil
        }
        guard let version = IgnitionSpecVersion(text) else {
            report.error("$.ignition.version", "invalid config version (couldn't parse): \"\(text)\"")
            return nil
        }
        guard IgnitionSpecVersion.validatorVersions.contains(version) else {
            let known = IgnitionSpecVersion.validatorVersions.map(\.description).joined(separator: ", ")
            report.error("$.ignition.version", "unsupported config version \(version) (known: \(known))")
            return nil
        }
        return version
    }
}

/// The diagnostics found so far, with the document's positions to place them.
struct DiagnosticReport {
    let positions: [String: SourcePosition]
    private(set) var diagnostics: [ConfigDiagnostic] = []

    mutating func add(_ severity: ConfigDiagnostic.Severity, _ path: String, _ message: String) {
        diagnostics.append(ConfigDiagnostic(severity: severity, path: path, position: position(of: path), message: message))
    }

    mutating func error(_ path: String, _ message: String) { add(.error, path, message) }
    mutating func warning(_ path: String, _ message: String) { add(.warning, path, message) }

    /// The position of `path`, or of its nearest ancestor that is in the document.
    func position(of path: String) -> SourcePosition? {
        var candidate = Substring(path)
        while true {
            if let position = positions[String(candidate)] { return position }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
    }
}

/// Checks types, unknown fields and fields newer than the config's version against the schema.
struct SchemaWalker {
    let version: IgnitionSpecVersion
    let newerFieldSeverity: ConfigDiagnostic.Severity
    private(set) var foundTypeError = false

    init(version: IgnitionSpecVersion, newerFieldSeverity: ConfigDiagnostic.Severity) {
        self.version = version
        self.newerFieldSeverity = newerFieldSeverity
    }

    mutating func check(_ value: JSONValue, against type: IgnitionFieldType, at path: String,
                        into report: inout DiagnosticReport) {
        // Go's encoding/json leaves a field at its zero value for null, whatever its type.
        if case .null = value { return }
        switch (type, value) {
        case (.string, .string), (.boolean, .bool):
            return
        case (.integer, .number(let literal)):
            if Int64(literal) == nil {
                mismatch(path, expected: "an integer", found: "the number \(literal)", into: &report)
            }
        case (.array(let element), .array(let elements)):
            for (index, item) in elements.enumerated() {
                check(item, against: element, at: "\(path).\(index)", into: &report)
            }
        case (.object(let schema), .object(let members)):
            for member in members {
                let memberPath = "\(path).\(member.key)"
                guard let field = schema.field(member.key) else {
                    report.warning(memberPath, "Unused key \(member.key)")
                    continue
                }
                if field.since > version {
                    report.add(newerFieldSeverity, memberPath,
                               "Unused key \(member.key): introduced in spec \(field.since), not part of a \(version) config")
                    continue
                }
                check(member.value, against: field.type, at: memberPath, into: &report)
            }
        default:
            mismatch(path, expected: type.name, found: value.typeName, into: &report)
        }
    }

    private mutating func mismatch(_ path: String, expected: String, found: String, into report: inout DiagnosticReport) {
        foundTypeError = true
        report.error(path, "wrong type: expected \(expected), found \(found)")
    }
}
