/// Building commands for a POSIX shell in a guest.
public enum Shell {
    /// `word` as one single-quoted shell word, whatever it contains.
    public static func quoted(_ word: String) -> String {
        "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// `words` quoted and joined with spaces.
    public static func command(_ words: [String]) -> String {
        words.map(quoted).joined(separator: " ")
    }
}
