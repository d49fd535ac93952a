/// Escaping for the HTML report: text, attribute values, log lines and relative links.
public enum HTMLText {
    /// `text` as HTML character data: escaped as XML content (``XMLText/content(_:)``), which
    /// HTML reads the same way; controls other than tab, line feed and carriage return show as
    /// their Control Pictures sign (ESC as `␛`).
    public static func content(_ text: String) -> String {
        XMLText.content(text)
    }

    /// `text` as a double-quoted attribute value, escaped as ``XMLText/attribute(_:)`` does.
    public static func attribute(_ text: String) -> String {
        XMLText.attribute(text)
    }

    /// A line of a log (console, journal, test log) as HTML character data: terminal escape
    /// sequences (colours) and carriage returns removed, as ``ConsoleAnalyzer/clean(_:)`` does,
    /// then escaped.
    public static func log(_ text: String) -> String {
        content(ConsoleAnalyzer.clean(text))
    }

    /// A relative link to `path` (slash-separated, relative to the report) as an attribute value:
    /// each segment percent-encoded except for unreserved characters, so a test name with `#`,
    /// `?`, `%` or a space still names its file.
    public static func href(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            var out = ""
            for byte in segment.utf8 {
                if isUnreserved(byte) {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    out += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                }
            }
            return out
        }.joined(separator: "/")
    }

    /// An external link's target as an attribute value, or nil when `url` is not an `http` or
    /// `https` URL (a tracker field could hold anything, `javascript:` included).
    public static func externalHref(_ url: String) -> String? {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"),
              !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else { return nil }
        return attribute(url)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
