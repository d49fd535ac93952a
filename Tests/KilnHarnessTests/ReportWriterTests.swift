import Foundation
import KilnCore
import KilnHarness
import Testing

/// The reports a run leaves in its directory, report.html's log excerpts read from the machines'
/// artifacts.
struct ReportWriterTests {
    static func machine(_ test: String) -> MachineReport {
        MachineReport(id: "\(test)-m0", directory: "\(test)/m0", sshReadySeconds: 20, bootPhases: [])
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func allReportsAreWrittenAndTheHTMLShowsTheLogsAroundTheFindings() throws {
        let directory = NSTemporaryDirectory() + "kiln-reports-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let panic = "[  6.0] Kernel panic - not syncing: <VFS> & \"root\""
        let console = (1...100).map { $0 == 60 ? panic : "[  \($0 / 10).\($0 % 10)] console line \($0)" }.joined(separator: "\n") + "\n"
        try Self.write(console, to: "\(directory)/ext.fail/m0/console.txt")
        try Self.write("streamed journal line\n", to: "\(directory)/ext.fail/m0/journal-stream.txt")
        try Self.write("fetched journal line\n", to: "\(directory)/ext.fail/m0/journal.txt")
        try Self.write("passing console\n", to: "\(directory)/basic.ok/m0/console.txt")
        let findings = ConsoleChecks.scan(console, source: "console", machine: "ext.fail-m0")
        #expect(findings.map(\.line) == [60])

        let report = RunReport(
            platform: "qemu", version: "0", build: BuildReference(id: "b1", name: "ref", architecture: "x86_64", imageSHA256: "ab"),
            accelerator: "tcg", startedAt: "2025-01-01T00:00:00Z", durationSeconds: 90,
            tests: [
                TestReport(name: "basic.ok", result: .pass, duration: .seconds(30), error: nil, output: "ok\n",
                           machines: [Self.machine("basic.ok")],
                           timeline: TestTimeline(queuedAt: 0, startedAt: 0, endedAt: 30, memoryMiB: 1024, cpus: 1)),
                TestReport(name: "ext.fail", result: .fail, duration: .seconds(60), error: "kernel panic", output: "booting\n",
                           machines: [Self.machine("ext.fail")],
                           timeline: TestTimeline(queuedAt: 0, startedAt: 0, endedAt: 60, memoryMiB: 1024, cpus: 1),
                           findings: findings),
            ])
        try ReportWriter(report: report, directory: directory).writeAll()

        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["basic.ok", "ext.fail", "junit.xml", "report.html", "report.json", "report.tap"])
        let html = try String(contentsOfFile: "\(directory)/report.html", encoding: .utf8)
        #expect(html == report.html(excerpts: ["ext.fail": [
            LogExcerpt(machine: "ext.fail-m0", source: "console", path: "ext.fail/m0/console.txt", text: console, findings: findings),
            LogExcerpt(machine: "ext.fail-m0", source: "journal", path: "ext.fail/m0/journal-stream.txt",
                       text: "streamed journal line\n", findings: findings),
        ]]))
        #expect(html.contains("ext.fail-m0 console, lines 40–80 of 100 <a href=\"ext.fail/m0/console.txt\">console.txt</a>"))
        #expect(html.contains("<mark><span class=\"ln\">60</span>[  6.0] Kernel panic - not syncing: &lt;VFS&gt; &amp; \"root\"</mark>"))
        #expect(html.contains("<a href=\"ext.fail/m0/journal-stream.txt\">journal-stream.txt</a>"))
        #expect(!html.contains("fetched journal line"))  // the streamed journal is preferred, as the checks read it
        #expect(!html.contains("passing console"))  // a passing test's logs are not read
        // The TAP and JUnit reports still get the tails.
        let tap = try String(contentsOfFile: "\(directory)/report.tap", encoding: .utf8)
        #expect(tap.contains(#""ext.fail-m0 journal": "streamed journal line""#))
    }
}
