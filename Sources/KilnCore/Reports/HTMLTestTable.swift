/// The table of all tests in the HTML report: one row per test, in report order, with its
/// outcome, duration, attempts, SSH-ready times, host and links to its artifacts; above it, a
/// checkbox per outcome that hides that outcome's rows (by CSS, see ``HTMLReportStyle``).
extension HTMLReportPage {
    /// A machine's artifacts the table links to: file name and link text.
    static let machineArtifacts = [
        ("console.txt", "console"), ("journal.txt", "journal"), ("journal-stream.txt", "stream"),
        ("config.ign", "config.ign"), ("qemu-argv.txt", "qemu-argv"),
    ]

    /// The id of a test's row.
    static func rowID(_ index: Int) -> String { "test-\(index + 1)" }

    func testTableSection() -> String {
        var html = "<section id=\"tests\">\n<h2>All tests</h2>\n<fieldset class=\"filter\"><legend>Show</legend>\n"
        for outcome in Self.outcomes {
            html += "<label><input type=\"checkbox\" id=\"\(HTMLReportStyle.filterID(outcome))\" checked> \(Self.badge(outcome))"
                + " \(report.count(outcome))</label>\n"
        }
        html += "</fieldset>\n<table class=\"tests\">\n<thead><tr><th>Test</th><th>Outcome</th><th>Duration</th><th>Attempts</th>"
            + "<th>SSH ready</th><th>Host</th><th>Artifacts</th></tr></thead>\n<tbody>\n"
        let problemIndices = Set(problems)
        for (index, test) in report.tests.enumerated() {
            html += row(index, test, isProblem: problemIndices.contains(index))
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    /// One test's row.
    func row(_ index: Int, _ test: TestReport, isProblem: Bool) -> String {
        let name = HTMLText.content(test.name)
        var cell = isProblem ? "<a href=\"#\(Self.problemID(index))\">\(name)</a>" : name
        if let note = note(test) { cell += "<div class=\"note\">\(note)</div>" }
        let ready = test.machines.map { $0.sshReadySeconds.map(Self.duration) ?? "never" }.joined(separator: ", ")
        var hosts: [String] = []
        for host in test.machines.compactMap(\.host) where !hosts.contains(host) { hosts.append(host) }
        return "<tr class=\"\(test.result.cssClass)\" id=\"\(Self.rowID(index))\"><td class=\"name\">\(cell)</td>"
            + "<td>\(Self.badge(test.result))</td><td class=\"num\">\(Self.duration(test.durationSeconds))</td>"
            + "<td class=\"num\">\(test.attempts)</td><td class=\"num\">\(ready.isEmpty ? "—" : ready)</td>"
            + "<td>\(hosts.isEmpty ? "—" : HTMLText.content(hosts.joined(separator: ", ")))</td>"
            + "<td class=\"links\">\(artifactLinks(test))</td></tr>\n"
    }

    /// What marks a row beyond its badge: a flake's attempts, a known failure's tracker, a skip's
    /// reason, retries after a host failed.
    func note(_ test: TestReport) -> String? {
        var notes: [String] = []
        switch test.result {
        case .flake: notes.append("flaky: passed on attempt \(test.attempts)")
        case .warn: notes.append("known failure" + (test.tracker.map { ": " + Self.trackerLink($0) } ?? ""))
        case .skip:
            let reason = [test.error.map { HTMLText.content($0) }, test.tracker.map(Self.trackerLink)].compactMap { $0 }
            notes.append((["skipped"] + reason).joined(separator: ": "))
        case .pass, .fail, .timeout: break
        }
        if let retries = test.infrastructureRetries, !retries.isEmpty {
            notes.append("run again after a host failed (\(retries.count)×)")
        }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// Links to the test's log and to each machine's console, journal, config and QEMU command
    /// line, relative to the run's directory.
    func artifactLinks(_ test: TestReport) -> String {
        var links: [String] = []
        if test.result != .skip {
            links.append(Self.link(Self.testLogPath(test.name, attempt: test.attempts), "test.log"))
        }
        for machine in test.machines {
            let label = machine.id.hasPrefix(test.name + "-") ? String(machine.id.dropFirst(test.name.count + 1)) : machine.directory
            let files = Self.machineArtifacts.map { file, text in Self.link("\(machine.directory)/\(file)", text) }
            links.append("<span class=\"machine\">\(HTMLText.content(label)):</span> " + files.joined(separator: " "))
        }
        return links.joined(separator: " ")
    }

    /// `<a href="path">text</a>`, the path relative to the run's directory.
    static func link(_ path: String, _ text: String) -> String {
        "<a href=\"\(HTMLText.href(path))\">\(HTMLText.content(text))</a>"
    }
}
