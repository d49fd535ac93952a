extension RunReport {
    /// The report as JUnit XML, as Jenkins (`junit` step, xUnit plugin) and GitLab
    /// (`artifacts:reports:junit`) read it; it validates against the xUnit plugin's `junit-10.xsd`.
    ///
    /// One `<testsuite name="kiln">` holds the run's properties (Kiln's version, the build, the
    /// image's SHA-256, accelerator, platform) and one `<testcase>` per test, whose `classname` is
    /// `kiln.<first part of the test's name>` so CI groups `basic.*` together:
    /// - PASS: an empty testcase.
    /// - FAIL: `<failure type="failure">`, its text the error, the findings, the test's log and
    ///   the tails.
    /// - TIMEOUT: `<error type="timeout">` with the same text: a timeout is not a failed assertion.
    /// - SKIP: `<skipped message=…>`, the message and text the reason and tracker.
    /// - WARN: `<skipped type="known-failure">`, its text saying why and the full failure. Skipped
    ///   rather than passing because GitLab shows no text at all for a passing testcase (and
    ///   Jenkins hides it under the test's page), while both list skipped tests with their text;
    ///   and, as a skip, it does not fail the pipeline, which is what WARN means.
    /// - FLAKE: a passing testcase with Maven Surefire's `<flakyFailure>` (the failed attempt,
    ///   read by Jenkins' Flaky Test Handler, ignored elsewhere) and a `<system-out>` note giving
    ///   the attempts.
    ///
    /// `failures` counts FAIL, `errors` TIMEOUT and `skipped` SKIP and WARN. Text is escaped,
    /// and characters XML 1.0 forbids (the ESC of a console's colour codes, say) are shown as
    /// their Control Pictures sign (`␛`).
    ///
    /// - Parameter tails: the last lines of logs, per test name, then per label (for example
    ///   `m0 console`); they are appended to the text of a test that did not simply pass or skip.
    public func junitXML(tails: [String: [String: String]] = [:]) -> String {
        let failures = count(.fail), errors = count(.timeout), skipped = count(.skip) + count(.warn)
        let time = ReportText.seconds(milliseconds: milliseconds)
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        lines.append(#"<testsuites name="kiln" tests="\#(tests.count)" failures="\#(failures)" errors="\#(errors)""#
                     + #" time="\#(time)">"#)
        lines.append(#"  <testsuite name="kiln" tests="\#(tests.count)" failures="\#(failures)" errors="\#(errors)""#
                     + #" skipped="\#(skipped)" time="\#(time)" timestamp="\#(XMLText.attribute(startedAt))">"#)
        lines.append("    <properties>")
        let properties = [
            ("kiln.version", version), ("kiln.result", result.rawValue),
            ("build.id", build.id), ("build.name", build.name), ("build.architecture", build.architecture),
            ("image.sha256", build.imageSHA256), ("accelerator", accelerator), ("platform", platform),
        ]
        for (name, value) in properties {
            lines.append(#"      <property name="\#(name)" value="\#(XMLText.attribute(value))"/>"#)
        }
        lines.append("    </properties>")
        for test in tests {
            lines += test.junitTestCase(tails: tails[test.name] ?? [:])
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension TestReport {
    /// The `<testcase>` element's lines.
    func junitTestCase(tails: [String: String]) -> [String] {
        let group = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        let open = #"    <testcase classname="\#(XMLText.attribute("kiln." + group))" name="\#(XMLText.attribute(name))""#
            + #" time="\#(ReportText.seconds(milliseconds: milliseconds))""#
        let children: [String]
        switch result {
        case .pass:
            return [open + "/>"]
        case .fail:
            let text = junitDetails(error: error ?? "failed", tails: tails)
            children = [Self.element("failure", message: ReportText.firstLine(text), type: "failure", text: text)]
        case .timeout:
            let text = junitDetails(error: error ?? "timed out", tails: tails)
            children = [Self.element("error", message: ReportText.firstLine(text), type: "timeout", text: text)]
        case .skip:
            let reason = [error.map(ReportText.oneLine), tracker.map(ReportText.oneLine)]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            let shown = reason.isEmpty ? "skipped" : reason
            children = [Self.element("skipped", message: shown, type: nil, text: shown)]
        case .warn:
            let known = "known failure" + (tracker.map { " " + ReportText.oneLine($0) } ?? "")
            let failure = junitDetails(error: error ?? "failed", tails: tails)
            let text = "WARN: \(known); reported, but it does not fail the run.\n\n\(failure)"
            children = [Self.element("skipped", message: "\(known): \(ReportText.firstLine(failure))",
                                     type: "known-failure", text: text)]
        case .flake:
            let note = "FLAKE: failed on its first attempt, passed on attempt \(attempts)."
            let failure = error ?? "failed"
            children = [
                Self.element("flakyFailure", message: ReportText.firstLine(failure), type: "failure", text: failure),
                Self.element("system-out", message: nil, type: nil,
                             text: [note, junitDetails(error: nil, tails: tails)].filter { !$0.isEmpty }
                                 .joined(separator: "\n\n")),
            ]
        }
        return [open + ">"] + children.map { "      " + $0 } + ["    </testcase>"]
    }

    /// The text of a failure: the error, the findings, the test's log and the tails, in
    /// sections separated by an empty line.
    func junitDetails(error: String?, tails: [String: String]) -> String {
        var sections: [String] = []
        if let error { sections.append(ReportText.droppingTrailingNewlines(error)) }
        if !findings.isEmpty {
            sections.append((["Console and journal findings:"] + findings.map {
                "- \($0.check) (\($0.source) of \($0.machine), line \($0.line)): \($0.text)"
            }).joined(separator: "\n"))
        }
        let log = ReportText.droppingTrailingNewlines(output)
        if !log.isEmpty { sections.append("Test log:\n\(log)") }
        for (label, text) in tails.sorted(by: { $0.key < $1.key }) {
            sections.append("\(label):\n\(ReportText.droppingTrailingNewlines(text))")
        }
        return sections.joined(separator: "\n\n")
    }

    /// `<name message="…" type="…">text</name>`, attributes left out when nil.
    static func element(_ name: String, message: String?, type: String?, text: String) -> String {
        var open = "<\(name)"
        if let message { open += #" message="\#(XMLText.attribute(message))""# }
        if let type { open += #" type="\#(XMLText.attribute(type))""# }
        return "\(open)>\(XMLText.content(text))</\(name)>"
    }
}
