/// The HTML report's style sheet, inlined into the page: outcome colours, the summary, the
/// timeline, the problem details and the table, and the outcome filter, which works by CSS
/// alone (`:has()` on the filter's checkboxes) so the page needs no script.
enum HTMLReportStyle {
    /// Each outcome's colour, as the `--c` variable of its CSS class, and the text colour that
    /// reads on it.
    static let colours: [(TestOutcome, background: String, text: String)] = [
        (.pass, "#2e7d32", "#fff"), (.fail, "#c62828", "#fff"), (.timeout, "#6a1b9a", "#fff"),
        (.flake, "#f2b600", "#1f2328"), (.warn, "#e8710a", "#fff"), (.skip, "#8c959f", "#fff"),
    ]

    /// The id of the checkbox that shows or hides an outcome's rows.
    static func filterID(_ outcome: TestOutcome) -> String { "show-\(outcome.rawValue.lowercased())" }

    static let css: String = {
        var css = colours.map { outcome, background, text in
            ".\(outcome.cssClass){--c:\(background);--t:\(text)}"
        }.joined(separator: "\n") + "\n"
        css += TestOutcome.allCases.map { outcome in
            "body:has(#\(filterID(outcome)):not(:checked)) tr.\(outcome.cssClass){display:none}"
        }.joined(separator: "\n") + "\n"
        return css + layout
    }()

    private static let layout = """
        body{margin:0;padding:0 24px 40px;color:#1f2328;background:#fff;
          font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        a{color:#0550ae}
        code,pre,.badge{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,monospace}
        h1{font-size:20px;margin:0 0 10px}
        h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
        header.summary{margin:16px 0 0;padding:14px 18px;background:#f6f8fa;border-left:6px solid var(--c);border-radius:4px}
        .facts{display:flex;flex-wrap:wrap;gap:4px 26px;margin:0}
        .facts div{display:flex;gap:6px}
        .facts dt{color:#59636e}
        .facts dd{margin:0}
        .counts{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;margin:12px 0 6px;padding:0}
        .counts .none{opacity:.4}
        .retried{margin:4px 0}
        nav{margin-top:8px}
        .badge{display:inline-block;min-width:4.8em;padding:0 6px;border-radius:4px;text-align:center;
          font-size:12px;font-weight:600;line-height:19px;color:var(--t);background:var(--c)}
        h1 .badge{font-size:15px;line-height:24px;vertical-align:2px}
        .legend{margin:4px 0 8px;color:#59636e;font-size:13px}
        .swatch{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:-1px;border-radius:2px;background:var(--c)}
        .swatch.boot{background:#2e7d32;box-shadow:inset 0 0 0 12px rgba(255,255,255,.55)}
        .swatch.phase{width:2px;background:#444}
        .swatch.queue{width:16px;height:0;border-top:1px dashed #6e7781;border-radius:0;background:none;vertical-align:3px}
        .chart{margin:0}
        .axis{position:relative;height:18px;font-size:11px;color:#59636e}
        .axis span{position:absolute;transform:translateX(-50%);white-space:nowrap}
        .axis span:first-child{transform:none}
        svg.lanes{display:block;border:1px solid #d0d7de;background:#fff}
        .stripes{fill:#f3f5f7}
        .grid{fill:none;stroke:#d0d7de}
        .queue{fill:none;stroke:#6e7781;stroke-dasharray:3 2}
        .bars rect{fill:var(--c);stroke:#fff;stroke-width:1px;vector-effect:non-scaling-stroke}
        .bars rect:hover{opacity:.75}
        .boot{fill:rgba(255,255,255,.55);pointer-events:none}
        .phase{fill:none;stroke:rgba(0,0,0,.55);pointer-events:none}
        details.problem{margin:8px 0;border:1px solid #d0d7de;border-left:5px solid var(--c);border-radius:4px}
        details.problem>summary{padding:6px 10px;cursor:pointer}
        details.problem>summary .name{font-weight:600}
        .meta{color:#59636e}
        .body{padding:0 14px 10px}
        .body details{margin:6px 0}
        .body details>summary{cursor:pointer;color:#59636e}
        pre{margin:6px 0;padding:8px 10px;overflow:auto;max-height:32em;background:#f6f8fa;border-radius:4px;font-size:12px;line-height:1.4}
        pre.error{white-space:pre-wrap;background:#fff5f5;border:1px solid #ffd7d5;max-height:none}
        .ln{display:inline-block;min-width:3.5em;margin-right:12px;color:#8c959f;text-align:right;user-select:none}
        mark{display:inline-block;min-width:100%;background:#fff1a8}
        table{border-collapse:collapse}
        th,td{padding:3px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eaeef2}
        th{background:#f6f8fa;font-weight:600}
        td.num{text-align:right;white-space:nowrap}
        table.findings{margin:6px 0;font-size:13px}
        table.tests{width:100%}
        table.tests td.name{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px}
        tr.o-fail,tr.o-timeout{background:#fff5f5}
        tr.o-warn{background:#fff4e5}
        tr.o-flake{background:#fffbe6}
        tr.o-fail td:first-child,tr.o-timeout td:first-child,tr.o-warn td:first-child,tr.o-flake td:first-child{box-shadow:inset 4px 0 var(--c)}
        .note{color:#59636e;font:12px system-ui,"DejaVu Sans",sans-serif}
        td.links{font-size:12px}
        td.links a{margin-right:5px}
        .machine{color:#59636e}
        fieldset.filter{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 10px;border:1px solid #d0d7de;border-radius:4px}
        fieldset.filter label{cursor:pointer}
        """
}
