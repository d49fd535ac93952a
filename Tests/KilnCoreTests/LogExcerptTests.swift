import KilnCore
import Testing

/// Which lines of a log the HTML report shows for a test.
struct LogExcerptTests {
    static let log = (1...100).map { "line \($0)" }.joined(separator: "\n") + "\n"

    static func finding(_ line: Int, machine: String = "t-m0", source: String = "console") -> ConsoleFinding {
        ConsoleFinding(check: "kernel-panic", description: "kernel panic", source: source, machine: machine, line: line, text: "line \(line)")
    }

    @Test func aFindingShowsTheLinesAroundTheFirstOneWithThoseInRangeHighlighted() {
        let excerpt = LogExcerpt(machine: "t-m0", source: "console", path: "t/m0/console.txt", text: Self.log,
                                 findings: [Self.finding(70), Self.finding(50), Self.finding(75), Self.finding(95)])
        #expect(excerpt.firstLineNumber == 30)
        #expect(excerpt.lastLineNumber == 70)
        #expect(excerpt.lines.first == "line 30")
        #expect(excerpt.lines.last == "line 70")
        #expect(excerpt.highlightedLineNumbers == [50, 70])
        #expect(excerpt.totalLines == 100)
    }

    @Test func findingsOfOtherLogsOrMachinesLeaveTheTail() {
        let excerpt = LogExcerpt(machine: "t-m0", source: "console", path: "t/m0/console.txt", text: Self.log,
                                 findings: [Self.finding(5, machine: "t-m1"), Self.finding(5, source: "journal"), Self.finding(500)])
        #expect(excerpt.firstLineNumber == 61)
        #expect(excerpt.lines.count == LogExcerpt.tailLines)
        #expect(excerpt.lines.last == "line 100")
        #expect(excerpt.highlightedLineNumbers.isEmpty)
    }

    @Test func aFindingNearTheStartAndShortLogsAreCutAtTheirEnds() {
        let excerpt = LogExcerpt(machine: "t-m0", source: "console", path: "p", text: Self.log, findings: [Self.finding(3)])
        #expect(excerpt.firstLineNumber == 1)
        #expect(excerpt.lastLineNumber == 23)
        let short = LogExcerpt(machine: "t-m0", source: "console", path: "p", text: "a\r\nb\n\nc", findings: [])
        #expect(short.lines == ["a", "b", "", "c"])
        #expect(short.firstLineNumber == 1)
        let empty = LogExcerpt(machine: "t-m0", source: "console", path: "p", text: "", findings: [Self.finding(1)])
        #expect(empty.lines.isEmpty)
        #expect(empty.totalLines == 0)
        #expect(empty.highlightedLineNumbers.isEmpty)
    }

    @Test func numbersMatchTheChecksNumbering() {
        let text = "boot\r\nok\nKernel panic - not syncing: oops\nmore\n"
        let findings = ConsoleChecks.scan(text, source: "console", machine: "t-m0")
        let excerpt = LogExcerpt(machine: "t-m0", source: "console", path: "p", text: text, findings: findings)
        #expect(excerpt.highlightedLineNumbers == [3])
        #expect(excerpt.lines[2] == "Kernel panic - not syncing: oops")
    }
}
