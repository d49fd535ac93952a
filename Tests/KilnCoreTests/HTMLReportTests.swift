import Foundation
@testable import KilnCore
import KilnTesting
import Testing

/// The HTML report: against its golden file (fixtures/reports/report.html, regenerate with
/// KILN_UPDATE_GOLDEN=1), its escaping, its size at a thousand tests, and as headless Chromium
/// renders it.
struct HTMLReportTests {
    static let sample = HTMLReportSamples.run.html(excerpts: HTMLReportSamples.excerpts)

    @Test func theGoldenFileMatches() {
        #expect(Fixtures.compareGolden(Self.sample, "reports/report.html") == nil)
    }

    @Test func itIsSelfContained() {
        let html = Self.sample
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        // The only absolute links are the trackers' (the warned test's in its details, then the
        // skipped and the warned test's in the table).
        let absolute = html.matches(of: /href="([a-z]+:[^"]*)"/).map { String($0.output.1) }
        #expect(absolute == ["https://github.com/containers/podman/issues/5678",
                             "https://github.com/coreos/fedora-coreos-tracker/issues/1234",
                             "https://github.com/containers/podman/issues/5678"])
    }

    @Test func theSummaryHasTheRunsFactsAndCounts() {
        let html = Self.sample
        #expect(html.contains("<h1><span class=\"badge o-fail\">FAIL</span> Kiln run of fedora-coreos fcos-41.20250101.3.0</h1>"))
        #expect(html.contains(#"<code title="sha256:9f2c0d3b5a7e41c8b6d0e2f4a1c3b5d7e9f0a2c4b6d8e0f1a3c5b7d9e1f3a5c7">sha256:9f2c0d3b5a7e</code>"#))
        #expect(html.contains("<dt>Wall time</dt><dd>12 min 34 s</dd>"))
        // Five machines boot for 14.2 s each: 0-14.2 and 0.1-14.3 (together 14.3 s), 26.8-41,
        // 61.2-75.4 and 151.8-166: 56.9 s of 754.3 s.
        #expect(html.contains("<dt>Booting</dt><dd>56.9 s of it (8%)</dd>"))
        #expect(html.contains("<dt>Host budget</dt><dd>22410 MiB, 2 CPUs</dd>"))
        for outcome in TestOutcome.allCases {
            #expect(html.contains("<li class=\"some\"><span class=\"badge \("o-" + outcome.rawValue.lowercased())\">\(outcome.rawValue)</span> 1</li>"))
        }
        #expect(html.contains("1 test was run again after a host failed."))
    }

    @Test func problemsComeFailuresFirstThenWarningsThenFlakes() throws {
        let html = Self.sample
        let order = html.matches(of: /<details class="problem o-([a-z]+)" id="problem-(\d+)"( open)?>/)
            .map { "\($0.output.1)\($0.output.3 ?? "")" }
        #expect(order == ["fail open", "timeout open", "warn", "flake"])
        // The failure's excerpt: lines 392-432 of the console, line 412 highlighted, colours gone.
        #expect(html.contains("ext.config.kernel-panic-m0 console, lines 392–432 of 500"
                              + #" <a href="ext.config.kernel-panic/m0/console.txt">console.txt</a>"#))
        #expect(html.contains(#"<mark><span class="ln">412</span>[  41.2] Kernel panic - not syncing: VFS: Unable to mount root fs: "x"</mark>"#))
        #expect(html.contains(#"<mark><span class="ln">88</span>FAILED sshd.service</mark>"#))
        #expect(html.contains("<span class=\"ln\">391</span>") == false)
        #expect(html.contains("systemd[1]: Started unit-392.service &amp; &lt;friends&gt;."))
        // The flake links its first attempt's log and its last.
        #expect(html.contains(#"<a href="ext.network.dhcp/test.log">test.log</a>"#))
        #expect(html.contains(#"<a href="ext.network.dhcp/attempt-2/test.log">test.log</a>"#))
        #expect(html.contains("<li>libvirt host qemu+ssh://host-a/system lost: connection reset</li>"))
    }

    @Test func theTableLinksEachTestsArtifacts() {
        let html = Self.sample
        let rows = html.matches(of: /<tr class="o-([a-z]+)" id="test-\d+">/).map { String($0.output.1) }
        #expect(rows == ["pass", "fail", "timeout", "skip", "flake", "warn"])
        for file in ["console.txt", "journal.txt", "journal-stream.txt", "config.ign", "qemu-argv.txt"] {
            #expect(html.contains("href=\"basic.sudo/m0/\(file)\""))
        }
        #expect(html.contains(#"<a href="basic.sudo/test.log">test.log</a>"#))
        #expect(!html.contains("ext.tpm2.luks/test.log"))  // a skipped test has no directory
        #expect(html.contains("<div class=\"note\">flaky: passed on attempt 2</div>"))
        #expect(html.contains(#"<td>qemu+ssh://builder@host-b/system</td>"#))
    }

    @Test func everyTextIsEscaped() {
        let hostile = #"<script>alert("x" & 'y')</script>"#
        let test = TestReport(
            name: "ext.\(hostile)", result: .warn, duration: .seconds(3), error: hostile, output: "\(hostile)\n",
            machines: [MachineReport(id: hostile, directory: "ext.\(hostile)/m0", sshReadySeconds: 1, bootPhases: [],
                                     host: hostile)],
            tracker: "javascript:alert(1)", timeline: TestTimeline(queuedAt: 0, startedAt: 0, endedAt: 3, memoryMiB: 1, cpus: 1),
            findings: [ConsoleFinding(check: hostile, description: hostile, source: "console", machine: hostile, line: 1, text: hostile)])
        let run = RunReport(platform: hostile, version: hostile,
                            build: BuildReference(id: hostile, name: hostile, architecture: hostile, imageSHA256: hostile),
                            accelerator: hostile, startedAt: hostile, durationSeconds: 3, tests: [test])
        let excerpt = LogExcerpt(machine: hostile, source: "console", path: "ext.\(hostile)/m0/console.txt", text: hostile,
                                 findings: test.findings)
        let html = run.html(excerpts: [test.name: [excerpt]])
        #expect(!html.contains("<script"))
        #expect(!html.contains("</script"))
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.contains("known failure: javascript:alert(1)"))  // shown, not linked
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot; &amp; 'y')&lt;/script&gt;"))  // in attributes
        #expect(html.contains("&lt;script&gt;alert(\"x\" &amp; 'y')&lt;/script&gt;"))  // in text
        #expect(html.contains(#"href="ext.%3Cscript%3Ealert%28%22x%22%20%26%20%27y%27%29%3C/script%3E/m0/console.txt""#))
    }

    @Test(arguments: [(0.44, "0.4 s"), (12.345, "12.3 s"), (59.96, "1 min 00 s"), (514.053, "8 min 34 s"), (3725, "1 h 02 min")])
    func durationsReadAsPeopleSayThem(seconds: Double, shown: String) {
        #expect(HTMLReportPage.duration(seconds) == shown)
    }

    @Test func aThousandTestsMakeAPageOfReasonableSize() throws {
        let (report, excerpts) = HTMLReportSamples.large(count: 1000, slots: 8)
        let html = report.html(excerpts: excerpts)
        let bytes = html.utf8.count
        print("report.html of 1000 tests (\(report.count(.fail)) failed with excerpts): \(bytes) bytes")
        #expect(bytes < 3_000_000)
        #expect(html.matches(of: /<tr class="o-[a-z]+" id="test-\d+">/).count == 1000)
        #expect(html.ranges(of: "<details class=\"problem ").count
                == report.count(.fail) + report.count(.timeout) + report.count(.warn) + report.count(.flake))
        // One rect per test that ran, on eight lanes, and one path each for boot shading and milestones.
        #expect(html.ranges(of: "<rect ").count == 1000 - report.count(.skip))
        #expect(html.contains(#"viewBox="0 0 1000 192""#))
        #expect(html.ranges(of: "<path class=\"boot\"").count == 1)
        #expect(html.ranges(of: "<path class=\"phase\"").count == 1)
    }

    @Test(.enabled(if: HeadlessChromium.isInstalled, "chromium is not installed (harness/setup installs it)"))
    func headlessChromiumRendersIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html").path
        try Data(Self.sample.utf8).write(to: URL(fileURLWithPath: page))

        let dom = try await HeadlessChromium.run(["--dump-dom"], page: page)
        #expect(dom.status == 0, "\(dom.errors)")
        #expect(dom.leftovers.isEmpty)
        for outcome in TestOutcome.allCases {
            let cssClass = "o-" + outcome.rawValue.lowercased()
            #expect(dom.output.contains("<tr class=\"\(cssClass)\" id=\"test-"), "no \(outcome.rawValue) row in the DOM")
        }
        #expect(dom.output.matches(of: /<rect class="o-[a-z]+" x=/).count == 5)
        #expect(dom.output.contains("<mark><span class=\"ln\">412</span>"))
        #expect(dom.output.contains("<tr class=\"o-warn\" id=\"test-6\">"))  // the last row, parsed whole

        let screenshot = directory.appendingPathComponent("report.png").path
        let shot = try await HeadlessChromium.run(["--screenshot=\(screenshot)", "--window-size=1400,1000"], page: page)
        #expect(shot.status == 0, "\(shot.errors)")
        #expect(shot.leftovers.isEmpty)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        print("screenshot of the sample report: \(png.count) bytes")
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(png.count > 30_000)
    }
}
