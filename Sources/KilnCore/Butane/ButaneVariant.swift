/// A Butane config's `variant` and `version`, and what they translate to.
///
/// Kiln reads the Fedora CoreOS variant (`fcos`), whose versions map to Ignition specs as
/// Butane's own table says: 1.0.0 → 3.0.0, 1.1.0 → 3.1.0, 1.2.0 and 1.3.0 → 3.2.0, 1.4.0 → 3.3.0,
/// 1.5.0 → 3.4.0, 1.6.0 → 3.5.0.
public struct ButaneVariant: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var version: IgnitionSpecVersion

    /// The variants and versions Kiln translates, with the Ignition spec of each.
    public static let known: [(variant: ButaneVariant, ignition: IgnitionSpecVersion)] = [
        (fcos(0), .v3_0), (fcos(1), .v3_1), (fcos(2), .v3_2), (fcos(3), .v3_2),
        (fcos(4), .v3_3), (fcos(5), .v3_4), (fcos(6), .v3_5),
    ]

    private static func fcos(_ minor: Int) -> ButaneVariant {
        ButaneVariant(name: "fcos", version: IgnitionSpecVersion(major: 1, minor: minor))
    }

    /// The Ignition spec this variant translates to, or nil when Kiln does not know it.
    public var ignitionVersion: IgnitionSpecVersion? {
        Self.known.first { $0.variant == self }?.ignition
    }

    /// `local` resources and `storage.trees` (with a files directory): fcos 1.1.0 and later.
    var supportsLocalFiles: Bool { version >= IgnitionSpecVersion(major: 1, minor: 1) }
    /// `contents_local` in units and drop-ins, `ssh_authorized_keys_local`: fcos 1.5.0 and later.
    var supportsLocalUnitsAndKeys: Bool { version >= IgnitionSpecVersion(major: 1, minor: 5) }

    public var description: String { "\(name) \(version)" }
}
