/// Writes the YAML of a TAP 13 diagnostic block, in the subset of YAML that both real YAML parsers
/// and Perl's `TAP::Parser` (`TAP::Parser::YAMLish::Reader`, what `prove` uses) read the same way.
///
/// That subset shapes the choices here: the reader knows `|` but no chomping or indentation
/// indicators, ends a literal block at the first line indented less (so empty lines inside one
/// keep the block's indentation), takes leading tabs as indentation, and unescapes only `\n`,
/// `\t`, `\r`, `\\`, `\"`, a few letters and `\xHH` in double-quoted strings. So text becomes a
/// literal block only when it spans lines that round-trip in both readers; anything else becomes
/// a double-quoted string on one line, with `\xHH` for controls.
struct TAPYAMLWriter {
    /// The block's lines, without the TAP indentation every line gets when it is written out.
    private(set) var lines: [String] = []

    /// `key: "text"`, or `key: |` and the lines of `text` when it fits a literal block. A literal
    /// block ends with exactly one line feed, whatever `text` ended with.
    mutating func string(_ key: String, _ text: String, indent: Int) {
        let prefix = String(repeating: " ", count: indent) + Self.key(key) + ":"
        guard let block = Self.literalLines(text) else {
            lines.append("\(prefix) \(Self.quoted(text))")
            return
        }
        lines.append("\(prefix) |")
        let padding = String(repeating: " ", count: indent + 2)
        lines += block.map { padding + $0 }  // empty lines too keep the padding
    }

    /// `key: 42`.
    mutating func integer(_ key: String, _ value: some BinaryInteger, indent: Int) {
        lines.append(String(repeating: " ", count: indent) + "\(Self.key(key)): \(value)")
    }

    /// `key:` with nothing after it, for a nested map or sequence that follows.
    mutating func parent(_ key: String, indent: Int) {
        lines.append(String(repeating: " ", count: indent) + "\(Self.key(key)):")
    }

    /// `key: []`.
    mutating func emptySequence(_ key: String, indent: Int) {
        lines.append(String(repeating: " ", count: indent) + "\(Self.key(key)): []")
    }

    /// `- key: "text"` at `indent`: the first key of a map in a sequence, whose other keys
    /// follow at `indent + 2`. Always double-quoted, so the entry's first line stays one line.
    mutating func entry(_ key: String, _ text: String, indent: Int) {
        lines.append(String(repeating: " ", count: indent) + "- \(Self.key(key)): \(Self.quoted(text))")
    }

    /// A key as written: plain when it is a simple identifier, else double-quoted.
    static func key(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
        return plain ? key : quoted(key)
    }

    /// `text` as a YAML double-quoted scalar on one line.
    static func quoted(_ text: String) -> String {
        "\"" + ReportText.escaping(text) { scalar in
            switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\t": "\\t"
            case "\r": "\\r"
            // YAML 1.1 takes these as line breaks or a byte-order mark, and YAMLish has no `\u`.
            case "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFE}", "\u{FFFF}": "\u{FFFD}"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    nil
                }
            }
        } + "\""
    }

    /// The lines of `text` as a literal block, or nil when a literal block cannot carry it:
    /// a single line, a first line that starts with whitespace (YAML would take it as the
    /// block's indentation), a line whose leading spaces are followed by other whitespace (a tab,
    /// a no-break space: Perl's reader counts those as indentation too), or a character YAML
    /// does not allow unescaped (controls, carriage returns, line and paragraph separators).
    static func literalLines(_ text: String) -> [String]? {
        let body = ReportText.droppingTrailingNewlines(text)
        guard body.unicodeScalars.allSatisfy(isLiteralSafe) else { return nil }
        let lines = ReportText.lines(body)
        guard lines.count > 1, let first = lines[0].unicodeScalars.first, !first.properties.isWhitespace,
              !lines.contains(where: { line in
                  line.unicodeScalars.first(where: { $0 != " " })?.properties.isWhitespace == true
              }) else { return nil }
        return lines
    }

    private static func isLiteralSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x20...0x7E: true
        case 0x2028, 0x2029, 0xFEFF: false
        case 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...: true
        default: false  // other controls, CR, NEL, noncharacters
        }
    }
}
