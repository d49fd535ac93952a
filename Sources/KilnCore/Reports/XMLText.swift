/// Escaping for XML 1.0 text and attribute values.
public enum XMLText {
    /// `text` as character data: `&`, `<` and `>` escaped, carriage returns as `&#13;` (parsers
    /// would turn them into line feeds otherwise), and characters XML 1.0 forbids replaced as
    /// `ReportText.replacement(for:)` says.
    public static func content(_ text: String) -> String {
        escaped(text, attribute: false)
    }

    /// `text` as a double-quoted attribute value: as `content`, and `"`, tab and line feed as
    /// character references, which attribute-value normalisation leaves alone.
    public static func attribute(_ text: String) -> String {
        escaped(text, attribute: true)
    }

    private static func escaped(_ text: String, attribute: Bool) -> String {
        ReportText.escaping(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\r": "&#13;"
            case "\"" where attribute: "&quot;"
            case "\n" where attribute: "&#10;"
            case "\t" where attribute: "&#9;"
            default: ReportText.replacement(for: scalar).map { String($0) }
            }
        }
    }
}
