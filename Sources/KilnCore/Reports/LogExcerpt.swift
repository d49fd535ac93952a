/// Lines of one machine's console or journal, shown with their numbers in the HTML report for a
/// test that did not simply pass: the lines around the first finding in that log, else its end.
public struct LogExcerpt: Sendable, Equatable {
    /// The id of the machine whose log this is.
    public var machine: String
    /// `console` or `journal`, as in ``ConsoleFinding/source``.
    public var source: String
    /// The log file, relative to the run's directory (where the report is).
    public var path: String
    /// The 1-based number, in the log, of the first of `lines`.
    public var firstLineNumber: Int
    /// The lines, as the log has them (escape sequences included).
    public var lines: [String]
    /// Numbers of lines that a console or journal check matched; shown highlighted.
    public var highlightedLineNumbers: [Int]
    /// How many lines the whole log has.
    public var totalLines: Int

    /// Lines shown before and after the first finding.
    public static let contextLines = 20
    /// Lines shown from the end of a log without findings.
    public static let tailLines = 40

    /// An excerpt of lines already chosen.
    public init(machine: String, source: String, path: String, firstLineNumber: Int, lines: [String],
                highlightedLineNumbers: [Int], totalLines: Int) {
        self.machine = machine
        self.source = source
        self.path = path
        self.firstLineNumber = firstLineNumber
        self.lines = lines
        self.highlightedLineNumbers = highlightedLineNumbers
        self.totalLines = totalLines
    }

    /// The excerpt of a log for a test with `findings`: the ``contextLines`` lines either side of
    /// the first finding of this machine and source (every finding in that window highlighted),
    /// or the last ``tailLines`` lines when there is none. Lines are numbered as
    /// ``ConsoleChecks/scan(_:source:machine:suppressed:warningOnly:)`` numbers them; the empty
    /// line after a final line feed does not count.
    public init(machine: String, source: String, path: String, text: String, findings: [ConsoleFinding]) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        let matched = findings.filter { $0.machine == machine && $0.source == source && $0.line >= 1 && $0.line <= lines.count }
            .map(\.line)
        let range: Range<Int>
        if let first = matched.min() {
            range = max(0, first - 1 - Self.contextLines)..<min(lines.count, first + Self.contextLines)
        } else {
            range = max(0, lines.count - Self.tailLines)..<lines.count
        }
        self.init(machine: machine, source: source, path: path, firstLineNumber: range.lowerBound + 1,
                  lines: lines[range].map(String.init),
                  highlightedLineNumbers: Array(Set(matched.filter { range.contains($0 - 1) })).sorted(),
                  totalLines: lines.count)
    }

    /// The number of the last line shown (one less than ``firstLineNumber`` when there is none).
    public var lastLineNumber: Int { firstLineNumber + lines.count - 1 }
}
