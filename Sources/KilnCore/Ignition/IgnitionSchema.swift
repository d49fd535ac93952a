/// The shape of an Ignition config as data: which members each object may have, their JSON
/// types, and the spec version that introduced each.
///
/// The tables (``IgnitionSchema/config``) follow `config/v3_*/types/schema.go` of
/// coreos/ignition; the version each field appeared in was checked against Ignition's own
/// `ignition-validate`, which reports a field unknown to a config's version as unused.
public indirect enum IgnitionFieldType: Sendable {
    case string
    /// A JSON number without fraction or exponent that fits a Go `int`.
    case integer
    case boolean
    case object(IgnitionObjectSchema)
    case array(of: IgnitionFieldType)

    /// The name used in type errors ("string", "list of objects").
    public var name: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .boolean: "boolean"
        case .object: "object"
        case .array(let element):
            switch element {
            case .object: "list of objects"
            case .array: "list of lists"
            default: "list of \(element.name)s"
            }
        }
    }
}

/// One member of an object in the schema.
public struct IgnitionField: Sendable {
    public var name: String
    public var type: IgnitionFieldType
    /// The first spec version whose configs may carry this field.
    public var since: IgnitionSpecVersion

    public init(_ name: String, _ type: IgnitionFieldType, since: IgnitionSpecVersion = .v3_0) {
        self.name = name
        self.type = type
        self.since = since
    }
}

/// An object of the schema: its members in spec order.
public struct IgnitionObjectSchema: Sendable {
    /// The schema's name for this object (`File`, `Resource`), for messages.
    public var name: String
    public var fields: [IgnitionField]

    public init(_ name: String, _ fields: [IgnitionField]) {
        self.name = name
        self.fields = fields
    }

    /// The member called `name`, or nil when the spec has no such member at any version.
    public func field(_ name: String) -> IgnitionField? {
        fields.first { $0.name == name }
    }
}

extension IgnitionSpecVersion {
    /// Spec 3.0.0.
    public static let v3_0 = IgnitionSpecVersion(major: 3, minor: 0)
    /// Spec 3.1.0.
    public static let v3_1 = IgnitionSpecVersion(major: 3, minor: 1)
    /// Spec 3.2.0.
    public static let v3_2 = IgnitionSpecVersion(major: 3, minor: 2)
    /// Spec 3.3.0.
    public static let v3_3 = IgnitionSpecVersion(major: 3, minor: 3)
    /// Spec 3.4.0-experimental.
    public static let v3_4_experimental = IgnitionSpecVersion(major: 3, minor: 4, experimental: true)
    /// Spec 3.4.0.
    public static let v3_4 = IgnitionSpecVersion(major: 3, minor: 4)
    /// Spec 3.5.0.
    public static let v3_5 = IgnitionSpecVersion(major: 3, minor: 5)

    /// The versions ``IgnitionValidator`` knows: the stable 3.0.0 through 3.5.0, and
    /// 3.4.0-experimental, which Ignition 2.14 (Debian 12) still accepts.
    public static let validatorVersions: [IgnitionSpecVersion] =
        [.v3_0, .v3_1, .v3_2, .v3_3, .v3_4_experimental, .v3_4, .v3_5]
}
