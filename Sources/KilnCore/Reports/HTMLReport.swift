extension RunReport {
    /// The report as one self-contained HTML page (`report.html`), for people: inline CSS, no
    /// script, nothing loaded from elsewhere, every text from the report escaped.
    ///
    /// From the top: a summary (the run's result, the build, image, platform, accelerator, Kiln's
    /// version, start and wall time, how much of it machines spent booting, and counts per
    /// outcome); the timeline of tests across the run's parallel slots (``TimelineLayout``); the
    /// failures, timeouts, warnings and flakes, each with its error, findings, test log and
    /// excerpts of its machines' console and journal; then a table of all tests, with links to
    /// their artifacts relative to the run's directory, where the page is written. Sections
    /// collapse with `<details>`, and checkboxes filter the table by outcome through CSS alone.
    ///
    /// - Parameter excerpts: per test name, excerpts of its machines' logs, shown with a test
    ///   that failed, timed out, warned or flaked.
    public func html(excerpts: [String: [LogExcerpt]] = [:]) -> String {
        HTMLReportPage(report: self, excerpts: excerpts).render()
    }
}

/// The parts of the HTML report; each section is built by an extension in its own file.
struct HTMLReportPage {
    let report: RunReport
    let excerpts: [String: [LogExcerpt]]

    /// Outcomes in the order the page lists them.
    static let outcomes: [TestOutcome] = [.pass, .fail, .timeout, .flake, .warn, .skip]

    func render() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.content("Kiln \(report.result.rawValue): \(report.build.name) \(report.build.id) on \(report.platform)"))</title>
            <style>
            \(HTMLReportStyle.css)
            </style>
            </head>
            <body>

            """
        page += summary()
        page += timelineSection()
        page += problemsSection()
        page += testTableSection()
        page += "</body>\n</html>\n"
        return page
    }

    /// The header: the result, the build, where and how it ran, times and counts.
    func summary() -> String {
        let build = report.build
        let image = build.imageSHA256
        var facts: [(String, String)] = [
            ("Build", "\(HTMLText.content(build.name)) <code>\(HTMLText.content(build.id))</code>"),
            ("Architecture", HTMLText.content(build.architecture)),
            ("Image", #"<code title="sha256:\#(HTMLText.attribute(image))">sha256:\#(HTMLText.content(String(image.prefix(12))))</code>"#),
            ("Platform", HTMLText.content(report.platform)),
            ("Accelerator", HTMLText.content(report.accelerator)),
            ("Kiln", HTMLText.content(report.version)),
            ("Started", HTMLText.content(report.startedAt)),
            ("Wall time", Self.duration(report.durationSeconds)),
            ("Booting", "\(Self.duration(report.bootSeconds)) of it (\(report.bootPercent)%)"),
        ]
        if let memory = report.hostMemoryMiB, let cpus = report.hostCPUs {
            facts.append(("Host budget", "\(memory) MiB, \(cpus) CPU\(cpus == 1 ? "" : "s")"))
        }
        var html = "<header class=\"summary \(report.result.cssClass)\">\n"
        html += "<h1>\(Self.badge(report.result)) Kiln run of \(HTMLText.content(build.name)) \(HTMLText.content(build.id))</h1>\n"
        html += "<dl class=\"facts\">\n"
        for (name, value) in facts {
            html += "<div><dt>\(name)</dt><dd>\(value)</dd></div>\n"
        }
        html += "</dl>\n<ul class=\"counts\">\n"
        for outcome in Self.outcomes {
            let count = report.count(outcome)
            html += "<li class=\"\(count == 0 ? "none" : "some")\">\(Self.badge(outcome)) \(count)</li>\n"
        }
        html += "<li>\(report.tests.count) test\(report.tests.count == 1 ? "" : "s")</li>\n</ul>\n"
        let retried = report.infrastructureRetriedCount
        if retried > 0 {
            html += "<p class=\"retried\">\(retried) test\(retried == 1 ? " was" : "s were") run again after a host failed.</p>\n"
        }
        html += "<nav><a href=\"#timeline\">Timeline</a> · <a href=\"#problems\">Failures, warnings and flakes (\(problems.count))</a>"
        html += " · <a href=\"#tests\">All tests (\(report.tests.count))</a></nav>\n</header>\n"
        return html
    }

    /// An outcome's coloured badge.
    static func badge(_ outcome: TestOutcome) -> String {
        "<span class=\"badge \(outcome.cssClass)\">\(outcome.rawValue)</span>"
    }

    /// Seconds as people read a duration: `0.4 s`, `12.3 s`, `8 min 04 s`, `1 h 02 min`.
    static func duration(_ seconds: Double) -> String {
        let tenths = Int((max(seconds, 0) * 10).rounded())
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10) s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(twoDigits(whole % 60)) s" }
        return "\(whole / 3600) h \(twoDigits(whole % 3600 / 60)) min"
    }

    /// Seconds since the run started as a clock: `0:00`, `8:34`, `1:02:05`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(max(seconds, 0).rounded())
        let secondsPart = twoDigits(whole % 60)
        return whole >= 3600 ? "\(whole / 3600):\(twoDigits(whole % 3600 / 60)):\(secondsPart)" : "\(whole / 60):\(secondsPart)"
    }

    /// `n` with a leading zero below 10.
    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension TestOutcome {
    /// The CSS class that colours this outcome: `o-pass`, `o-fail`, ...
    var cssClass: String { "o-" + rawValue.lowercased() }
}
