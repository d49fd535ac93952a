extension RunReport {
    /// The report as TAP version 13 (the Test Anything Protocol), for `prove` and TAP consumers.
    ///
    /// One line per test, numbered in report order after the plan `1..N`:
    /// - PASS: `ok N - name`.
    /// - SKIP: `ok N - name # SKIP reason`, the reason being the error text and the tracker.
    /// - FAIL and TIMEOUT: `not ok N - name`.
    /// - WARN: `not ok N - name # TODO known failure <tracker>`. TAP's TODO is exactly a failure
    ///   that is expected and does not fail the run, as WARN is.
    /// - FLAKE: `ok N - name`: it passed in the end, and a diagnostic says it failed first.
    ///
    /// FAIL, TIMEOUT, WARN and FLAKE lines are followed by a YAML diagnostic block (`  ---` to
    /// `  ...`) with `message`, `severity` (`fail`, `timeout`, `warn`, `flake`), `duration_ms`,
    /// `attempts`, `findings` (each with `check`, `source`, `machine`, `line`, `text`) and `tails`.
    /// Text that spans lines is a literal block where it can be one, else a double-quoted string.
    ///
    /// - Parameter tails: the last lines of machines' logs, keyed `<machine id> <log>` (for example
    ///   `basic.sudo-m0 console`). A tail is shown in the block of the test that booted that
    ///   machine (one listed in its `machines`); tails of other machines are not shown.
    public func tap(tails: [String: String] = [:]) -> String {
        var lines = ["TAP version 13", "1..\(tests.count)"]
        lines.append("# " + ReportText.oneLine("kiln \(version): \(build.name) \(build.id) (\(build.architecture)),"
                                               + " \(platform), \(accelerator), started \(startedAt): \(result.rawValue)"))
        for (index, test) in tests.enumerated() {
            lines.append(test.tapLine(number: index + 1))
            guard let diagnostic = test.tapDiagnostic(tails: tails) else { continue }
            lines.append("  ---")
            lines += diagnostic.lines.map { "  " + $0 }
            lines.append("  ...")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension TestReport {
    /// The `ok`/`not ok` line.
    func tapLine(number: Int) -> String {
        let description = ReportText.oneLine(name).replacing("\\", with: "\\\\").replacing("#", with: "\\#")
        let start = "\(result.isSuccess ? "ok" : "not ok") \(number) - \(description)"
        switch result {
        case .skip:
            let reason = [error.map(ReportText.oneLine), tracker.map(ReportText.oneLine)]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return start + " # SKIP" + (reason.isEmpty ? "" : " \(reason)")
        case .warn:
            return start + " # TODO known failure" + (tracker.map { " " + ReportText.oneLine($0) } ?? "")
        case .pass, .fail, .timeout, .flake:
            return start
        }
    }

    /// The YAML diagnostic block's content, or nil for a test that needs none (PASS, SKIP).
    func tapDiagnostic(tails: [String: String]) -> TAPYAMLWriter? {
        let severity: String
        var message = error
        switch result {
        case .pass, .skip: return nil
        case .fail: severity = "fail"
        case .timeout:
            severity = "timeout"
            message = message ?? "timed out"
        case .warn:
            severity = "warn"
            message = message ?? "failed (known failure)"
        case .flake:
            severity = "flake"
            let note = "failed on its first attempt, passed on attempt \(attempts)"
            message = message.map { "\(note); the failure:\n\($0)" } ?? note
        }
        var yaml = TAPYAMLWriter()
        yaml.string("message", message ?? "failed", indent: 0)
        yaml.string("severity", severity, indent: 0)
        yaml.integer("duration_ms", milliseconds, indent: 0)
        yaml.integer("attempts", attempts, indent: 0)
        if let tracker { yaml.string("tracker", tracker, indent: 0) }
        if findings.isEmpty {
            yaml.emptySequence("findings", indent: 0)
        } else {
            yaml.parent("findings", indent: 0)
            for finding in findings {
                yaml.entry("check", finding.check, indent: 2)
                yaml.string("source", finding.source, indent: 4)
                yaml.string("machine", finding.machine, indent: 4)
                yaml.integer("line", finding.line, indent: 4)
                yaml.string("text", finding.text, indent: 4)
            }
        }
        let ids = machines.map(\.id)
        let mine = tails.filter { key, _ in ids.contains { key == $0 || key.hasPrefix($0 + " ") } }
        if !mine.isEmpty {
            yaml.parent("tails", indent: 0)
            for (label, text) in mine.sorted(by: { $0.key < $1.key }) {
                yaml.string(label, text, indent: 2)
            }
        }
        return yaml
    }
}
