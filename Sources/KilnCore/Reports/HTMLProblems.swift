/// The section of the HTML report that shows what went wrong: each test that failed or timed
/// out, then each that warned, then each that flaked, as a `<details>` element (open for
/// failures and timeouts) with its error, retries, tracker, findings, test log and excerpts of
/// its machines' logs.
extension HTMLReportPage {
    /// Indices of the tests shown here, in the order shown.
    var problems: [Int] {
        let groups: [[TestOutcome]] = [[.fail, .timeout], [.warn], [.flake]]
        return groups.flatMap { outcomes in report.tests.indices.filter { outcomes.contains(report.tests[$0].result) } }
    }

    /// The id of a test's element in this section.
    static func problemID(_ index: Int) -> String { "problem-\(index + 1)" }

    func problemsSection() -> String {
        var html = "<section id=\"problems\">\n<h2>Failures, warnings and flakes</h2>\n"
        let shown = problems
        if shown.isEmpty { return html + "<p>Every test passed or was skipped.</p>\n</section>\n" }
        for index in shown {
            html += problem(index)
        }
        return html + "</section>\n"
    }

    /// One test's details.
    func problem(_ index: Int) -> String {
        let test = report.tests[index]
        let failed = test.result == .fail || test.result == .timeout
        var html = "<details class=\"problem \(test.result.cssClass)\" id=\"\(Self.problemID(index))\"\(failed ? " open" : "")>\n"
        html += "<summary>\(Self.badge(test.result)) <span class=\"name\">\(HTMLText.content(test.name))</span>"
            + " <span class=\"meta\">\(Self.duration(test.durationSeconds))\(attemptsNote(test))</span></summary>\n"
        html += "<div class=\"body\">\n"
        if let error = test.error, !error.isEmpty {
            html += "<pre class=\"error\">\(HTMLText.log(ReportText.droppingTrailingNewlines(error)))</pre>\n"
        }
        if test.attempts > 1 {
            html += "<p>\(test.result == .flake ? "Passed" : "Ran") on attempt \(test.attempts); the log and machines below are that"
                + " attempt's. The first attempt's log: \(Self.link(Self.testLogPath(test.name, attempt: 1), "test.log")).</p>\n"
        }
        if failed, !RerunSelection.isSharedMachineEntry(test.name) {
            let bundle = "\(test.name)/replay.tar"
            html += "<p>To run it again elsewhere: \(Self.link(bundle, "replay.tar"))"
                + " (<code>kiln replay \(HTMLText.content(bundle))</code>, on a machine with this build).</p>\n"
        }
        if let tracker = test.tracker {
            html += "<p>Known failure: \(Self.trackerLink(tracker)); reported, but it does not fail the run.</p>\n"
        }
        if let retries = test.infrastructureRetries, !retries.isEmpty {
            html += "<p>Run again after its host failed:</p>\n<ul class=\"retries\">\n"
                + retries.map { "<li>\(HTMLText.content($0))</li>\n" }.joined() + "</ul>\n"
        }
        html += findingsTable(test.findings)
        let log = ReportText.droppingTrailingNewlines(test.output)
        if !log.isEmpty {
            html += "<details class=\"log\"\(failed ? " open" : "")><summary>Test log"
                + " \(Self.link(Self.testLogPath(test.name, attempt: test.attempts), "test.log"))</summary>\n"
                + "<pre class=\"output\">\(HTMLText.log(log))</pre>\n</details>\n"
        }
        for excerpt in excerpts[test.name] ?? [] {
            html += Self.excerpt(excerpt, open: failed)
        }
        return html + "</div>\n</details>\n"
    }

    /// ` · 2 attempts · run again once after a host failed` and the like, or nothing.
    func attemptsNote(_ test: TestReport) -> String {
        var notes: [String] = []
        if test.attempts > 1 { notes.append("\(test.attempts) attempts") }
        if let retries = test.infrastructureRetries, !retries.isEmpty {
            notes.append("run again \(retries.count == 1 ? "once" : "\(retries.count) times") after a host failed")
        }
        return notes.map { " · " + $0 }.joined()
    }

    /// The console and journal findings as a table, or nothing when there are none.
    func findingsTable(_ findings: [ConsoleFinding]) -> String {
        guard !findings.isEmpty else { return "" }
        var html = "<table class=\"findings\">\n<thead><tr><th>Check</th><th>Log</th><th>Line</th><th>Text</th></tr></thead>\n<tbody>\n"
        for finding in findings {
            let warning = finding.warningOnly ? " <span class=\"note\">warning only</span>" : ""
            html += "<tr><td title=\"\(HTMLText.attribute(finding.description))\">\(HTMLText.content(finding.check))\(warning)</td>"
                + "<td>\(HTMLText.content(finding.machine)) \(HTMLText.content(finding.source))</td>"
                + "<td class=\"num\">\(finding.line)</td><td><code>\(HTMLText.log(finding.text))</code></td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// A log excerpt with line numbers, the lines a check matched highlighted.
    static func excerpt(_ excerpt: LogExcerpt, open: Bool) -> String {
        let file = excerpt.path.split(separator: "/").last.map(String.init) ?? excerpt.path
        let range = excerpt.lines.isEmpty ? "empty"
            : "lines \(excerpt.firstLineNumber)–\(excerpt.lastLineNumber) of \(excerpt.totalLines)"
        var html = "<details class=\"excerpt\"\(open ? " open" : "")><summary>\(HTMLText.content(excerpt.machine))"
            + " \(HTMLText.content(excerpt.source)), \(range)"
            + " \(link(excerpt.path, file))</summary>\n<pre class=\"lines\">"
        let highlighted = Set(excerpt.highlightedLineNumbers)
        for (offset, line) in excerpt.lines.enumerated() {
            let number = excerpt.firstLineNumber + offset
            let text = "<span class=\"ln\">\(number)</span>\(HTMLText.log(String(line)))"
            html += highlighted.contains(number) ? "<mark>\(text)</mark>\n" : "\(text)\n"
        }
        return html + "</pre>\n</details>\n"
    }

    /// A denylist tracker as a link when it is a web address, else as text.
    static func trackerLink(_ tracker: String) -> String {
        guard let href = HTMLText.externalHref(tracker) else { return HTMLText.content(tracker) }
        return "<a href=\"\(href)\">\(HTMLText.content(tracker))</a>"
    }

    /// A test's log relative to the run's directory: `<name>/test.log`, and
    /// `<name>/attempt-N/test.log` for a later attempt.
    static func testLogPath(_ name: String, attempt: Int) -> String {
        attempt > 1 ? "\(name)/attempt-\(attempt)/test.log" : "\(name)/test.log"
    }
}
