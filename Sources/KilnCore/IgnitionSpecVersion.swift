/// An Ignition config spec version such as `3.3.0` or `3.4.0-experimental`.
public struct IgnitionSpecVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var experimental: Bool

    public init(major: Int, minor: Int, patch: Int = 0, experimental: Bool = false) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.experimental = experimental
    }

    /// Parses `X.Y.Z` or `X.Y.Z-experimental`; nil for anything else.
    public init?(_ text: String) {
        var rest = Substring(text)
        var experimental = false
        if rest.hasSuffix("-experimental") {
            experimental = true
            rest = rest.dropLast("-experimental".count)
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2])
        else { return nil }
        self.init(major: major, minor: minor, patch: patch, experimental: experimental)
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (experimental ? "-experimental" : "")
    }

    /// An experimental version sorts after the stable versions before it and before its own stable
    /// release: 3.3.0 < 3.4.0-experimental < 3.4.0.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        return lhs.experimental && !rhs.experimental
    }

    /// The stable spec versions of Ignition 3.
    public static let stableVersions: [IgnitionSpecVersion] = (0...5).map { .init(major: 3, minor: $0) }
}
