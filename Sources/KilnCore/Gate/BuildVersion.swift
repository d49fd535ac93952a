/// A build's version as Fedora CoreOS writes it, `X.Y.Z.A` (Fedora major, snapshot date, stream
/// code, revision; developer builds have `Z=dev`, as in `31.20191018.dev.2`), ordered for waiver
/// build ranges.
///
/// Versions compare component by component, split at dots. Two numeric components (all ASCII
/// digits) compare as numbers, so `10` is after `9` and `020` equals `20`; two non-numeric ones
/// (`dev`) compare as strings; a numeric component sorts before a non-numeric one. When one
/// version is a prefix of the other, the shorter sorts first (`44.1` < `44.1.0`). Versions that
/// compare equal are equal (`44.020` == `44.20`), even when their text differs.
public struct BuildVersion: Sendable, Comparable, CustomStringConvertible {
    /// One dot-separated part of a version.
    public enum Component: Sendable, Comparable {
        /// Digits, without leading zeros ("0" for zero): compared by length, then as text, so that
        /// components of any length compare as numbers without overflow.
        case number(String)
        case text(String)

        init(_ part: Substring) {
            if !part.isEmpty, part.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                let digits = part.drop { $0 == "0" }
                self = .number(digits.isEmpty ? "0" : String(digits))
            } else {
                self = .text(String(part))
            }
        }

        public static func < (lhs: Component, rhs: Component) -> Bool {
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): a.count != b.count ? a.count < b.count : a < b
            case (.text(let a), .text(let b)): a < b
            case (.number, .text): true
            case (.text, .number): false
            }
        }
    }

    /// The version as written.
    public let text: String
    /// The dot-separated parts, as compared.
    public let components: [Component]

    /// Any text is a version: a part that is not all digits compares as text.
    public init(_ text: String) {
        self.text = text
        self.components = text.split(separator: ".", omittingEmptySubsequences: false).map(Component.init)
    }

    public var description: String { text }

    public static func < (lhs: BuildVersion, rhs: BuildVersion) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }

    public static func == (lhs: BuildVersion, rhs: BuildVersion) -> Bool {
        lhs.components == rhs.components
    }

    /// The order of build names as versions: `BuildVersion(a) < BuildVersion(b)`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        BuildVersion(a) < BuildVersion(b)
    }
}
