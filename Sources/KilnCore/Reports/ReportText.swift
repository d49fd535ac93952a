/// Text helpers the report formats (TAP, JUnit XML) share.
enum ReportText {
    /// What a report shows in place of `scalar` when XML 1.0 forbids it: a C0 control other than
    /// tab, line feed and carriage return becomes its Control Pictures sign (ESC shows as `␛`, so a
    /// console's colour codes stay readable), and the noncharacters U+FFFE and U+FFFF become
    /// U+FFFD. Nil when `scalar` may stay.
    static func replacement(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: nil
        case 0x00...0x1F: Unicode.Scalar(0x2400 + scalar.value)
        case 0xFFFE, 0xFFFF: "\u{FFFD}"
        default: nil
        }
    }

    /// `text` with each Unicode scalar replaced by what `escape` returns for it, or kept when
    /// `escape` returns nil.
    static func escaping(_ text: String, _ escape: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let escaped = escape(scalar) { out += escaped } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// `text` fit for a single line of a line-based format: runs of whitespace (line breaks
    /// included) become one space, other controls their picture (DEL `␡`), and the ends are trimmed.
    static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(scalar == "\u{7F}" ? "\u{2421}" : replacement(for: scalar) ?? scalar)
        }
        return String(out)
    }

    /// The first line of `text` that is not blank, as `oneLine` shows it; empty when there is none.
    static func firstLine(_ text: String) -> String {
        for line in lines(text) {
            let shown = oneLine(line)
            if !shown.isEmpty { return shown }
        }
        return ""
    }

    /// `text` split at line feeds (a carriage return before one is kept, as part of its line).
    static func lines(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
    }

    /// `text` without the line feeds at its end.
    static func droppingTrailingNewlines(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while scalars.last == "\n" { scalars.removeLast() }
        return String(scalars)
    }

    /// Milliseconds as seconds with three decimals: `1234` → `1.234`.
    static func seconds(milliseconds: Int64) -> String {
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}

extension TestReport {
    /// The test's duration in whole milliseconds, rounded.
    var milliseconds: Int64 { (duration + 500_000) / 1_000_000 }
}

extension RunReport {
    /// The run's duration in whole milliseconds, rounded.
    var milliseconds: Int64 { Int64((durationSeconds * 1000).rounded()) }
}
