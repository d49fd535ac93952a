/// The timeline section of the HTML report: an inline SVG with one row per lane of
/// ``TimelineLayout``, stretched to the page's width.
///
/// The SVG stays light at thousands of tests: one `<rect>` (with its `<title>` tooltip) per
/// bar, and one `<path>` each for all grid lines, queue waits, boot shading and boot milestones.
/// Its user space is ``width`` units wide for the whole span and one unit per pixel high;
/// strokes do not scale, so lines stay one pixel wide whatever the page's width.
extension HTMLReportPage {
    /// The SVG's width in user units, the whole time axis.
    static let width = 1000.0
    /// A lane's height and the height of a bar in it, in pixels.
    static let laneHeight = 24.0
    static let barHeight = 16.0
    /// The narrowest a bar is drawn, in user units, so a test of a second still shows.
    static let minimumBarWidth = 1.5
    /// Tests listed in the tooltip of a bar that stands for several.
    static let tooltipTests = 25

    func timelineSection() -> String {
        let layout = TimelineLayout(report: report)
        var html = "<section id=\"timeline\">\n<h2>Timeline</h2>\n"
        guard !layout.bars.isEmpty, layout.span > 0 else {
            return html + "<p>No test has a timeline.</p>\n</section>\n"
        }
        let lanes = layout.laneCount == 1 ? "1 lane" : "\(layout.laneCount) lanes"
        html += "<p class=\"legend\">\(layout.bars.count) bar\(layout.bars.count == 1 ? "" : "s") on \(lanes), one per slot that tests"
            + " held machines (tests sharing a machine are one bar); hover over a bar for its tests."
        for outcome in Self.outcomes where outcome != .skip {
            html += " <span class=\"swatch \(outcome.cssClass)\"></span>\(outcome.rawValue)"
        }
        html += " <span class=\"swatch boot\"></span>machines booting (QEMU start to SSH)"
        html += " <span class=\"swatch phase\"></span>boot milestone <span class=\"swatch queue\"></span>queued"
        if layout.untimedTests > 0 {
            html += "; \(layout.untimedTests) test\(layout.untimedTests == 1 ? "" : "s") without a timeline (not run) not shown"
        }
        html += ". Time is minutes:seconds since the run started.</p>\n<div class=\"chart\">\n" + axis(span: layout.span)
        let height = Double(layout.laneCount) * Self.laneHeight
        html += #"<svg class="lanes" viewBox="0 0 \#(Self.format(Self.width)) \#(Self.format(height))" preserveAspectRatio="none""#
            + #" width="100%" height="\#(Self.format(height))" role="img" aria-label="timeline of \#(report.tests.count) tests">"#
            + "\n"
        html += lanePaths(layout, height: height)
        html += "<g class=\"bars\">\n"
        for bar in layout.bars {
            let left = x(bar.startedAt, layout.span)
            let width = max(x(bar.endedAt, layout.span) - left, Self.minimumBarWidth)
            html += #"<rect class="\#(bar.outcome.cssClass)" x="\#(Self.format(left))" y="\#(Self.format(top(bar)))""#
                + #" width="\#(Self.format(width))" height="\#(Self.format(Self.barHeight))"><title>"#
                + HTMLText.content(tooltip(bar)) + "</title></rect>\n"
        }
        html += "</g>\n" + overlayPaths(layout) + "</svg>\n</div>\n</section>\n"
        return html
    }

    /// The time axis above the chart: a label at each grid line.
    func axis(span: Double) -> String {
        let step = Self.gridStep(span)
        var html = "<div class=\"axis\">"
        for tick in stride(from: 0, through: span, by: step) {
            html += "<span style=\"left:\(Self.format(tick / span * 100))%\">\(Self.clock(tick))</span>"
        }
        return html + "</div>\n"
    }

    /// Lane stripes, grid lines and queue waits, drawn under the bars.
    func lanePaths(_ layout: TimelineLayout, height: Double) -> String {
        var stripes = "", grid = "", queues = ""
        for lane in stride(from: 1, to: layout.laneCount, by: 2) {
            stripes += "M0 \(Self.format(Double(lane) * Self.laneHeight))h\(Self.format(Self.width))v\(Self.format(Self.laneHeight))"
                + "h-\(Self.format(Self.width))z"
        }
        let step = Self.gridStep(layout.span)
        for tick in stride(from: step, through: layout.span, by: step) {
            grid += "M\(Self.format(x(tick, layout.span))) 0V\(Self.format(height))"
        }
        for bar in layout.bars where x(bar.startedAt, layout.span) - x(bar.queuedAt, layout.span) >= Self.minimumBarWidth {
            queues += "M\(Self.format(x(bar.queuedAt, layout.span))) \(Self.format(top(bar) + Self.barHeight + 2))"
                + "H\(Self.format(x(bar.startedAt, layout.span)))"
        }
        return [("stripes", stripes, false), ("grid", grid, true), ("queue", queues, true)]
            .filter { !$0.1.isEmpty }.map(Self.path).joined()
    }

    /// Boot shading and milestone ticks, drawn over the bars (the pointer passes through them).
    func overlayPaths(_ layout: TimelineLayout) -> String {
        var boot = "", phases = ""
        for bar in layout.bars {
            let y = top(bar)
            if let ready = bar.bootEndedAt, ready > bar.startedAt {
                let from = x(bar.startedAt, layout.span)
                boot += "M\(Self.format(from)) \(Self.format(y))h\(Self.format(max(x(ready, layout.span) - from, 0.1)))"
                    + "v\(Self.format(Self.barHeight))H\(Self.format(from))z"
            }
            for time in bar.phaseTimes {
                phases += "M\(Self.format(x(time, layout.span))) \(Self.format(y + 2))v\(Self.format(Self.barHeight - 4))"
            }
        }
        return [("boot", boot, false), ("phase", phases, true)].filter { !$0.1.isEmpty }.map(Self.path).joined()
    }

    /// A bar's tooltip: its test and how it went, or the tests of a shared machine.
    func tooltip(_ bar: TimelineLayout.Bar) -> String {
        let tests = bar.tests.map { report.tests[$0] }
        let ran = "ran \(Self.clock(bar.startedAt))–\(Self.clock(bar.endedAt))"
        let queued = bar.startedAt - bar.queuedAt >= 1 ? " (queued at \(Self.clock(bar.queuedAt)))" : ""
        let ready = tests[0].machines.compactMap(\.sshReadySeconds).max()
        let boot = ready.map { "; SSH ready after \(Self.duration($0))" } ?? ""
        guard tests.count > 1 else {
            let test = tests[0]
            return "\(test.name): \(test.result.rawValue), \(Self.duration(test.durationSeconds))\n\(ran)\(queued)\(boot)"
        }
        let machines = tests[0].machines.map(\.id).joined(separator: ", ")
        var lines = ["\(tests.count) tests on \(machines): \(bar.outcome.rawValue)", "\(ran)\(queued)\(boot)"]
        lines += tests.prefix(Self.tooltipTests).map { "\($0.name): \($0.result.rawValue), \(Self.duration($0.durationSeconds))" }
        if tests.count > Self.tooltipTests { lines.append("… and \(tests.count - Self.tooltipTests) more") }
        return lines.joined(separator: "\n")
    }

    /// Where `seconds` is on the axis, in user units.
    func x(_ seconds: Double, _ span: Double) -> Double { seconds / span * Self.width }

    /// The top of a bar, in pixels.
    func top(_ bar: TimelineLayout.Bar) -> Double {
        Double(bar.lane) * Self.laneHeight + (Self.laneHeight - Self.barHeight) / 2 - 1
    }

    /// Seconds between grid lines: the smallest of 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1, 2, 5, 10,
    /// 15, 30 min, 1 h, 2 h, ... that draws at most ten.
    static func gridStep(_ span: Double) -> Double {
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800]
        if let step = steps.first(where: { span / $0 <= 10 }) { return step }
        return (span / 10 / 3600).rounded(.up) * 3600
    }

    /// `<path class="…" d="…"/>`, with a stroke of one pixel at any width when `stroked`.
    static func path(_ path: (cssClass: String, data: String, stroked: Bool)) -> String {
        #"<path class="\#(path.cssClass)" d="\#(path.data)""# + (path.stroked ? #" vector-effect="non-scaling-stroke""# : "") + "/>\n"
    }

    /// A coordinate with at most one decimal, without a trailing `.0`.
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths < 0 && tenths > -10 ? "-" : "")\(tenths / 10).\(abs(tenths % 10))"
    }
}
