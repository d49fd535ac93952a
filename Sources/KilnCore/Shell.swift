/// Building commands for a POSIX shell in a guest.
public enum Shell {
    /// `word` as one single-quoted shell word, whatever it contains.
    public static func quoted(_ word: String) -> String {
        "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// `word` as it is when a shell takes it as one plain word, else single-quoted: for
    /// printing commands people read and paste.
    public static func quotedIfNeeded(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0)) }
        return plain ? word : quoted(word)
    }

    /// `words` quoted and joined with spaces.
    public static func command(_ words: [String]) -> String {
        words.map(quoted).joined(separator: " ")
    }
}
