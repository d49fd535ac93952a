import Foundation
public import KilnCore

/// Writes a run's reports into its directory: `report.json` (kola's fields and Kiln's),
/// `report.tap` (TAP 13) and `junit.xml`, the last two carrying the tail of each failed
/// test's console and journal, and `report.html`, with excerpts of those logs around their
/// first finding. Each file is replaced whole (written aside, then renamed).
public struct ReportWriter {
    public let report: RunReport
    public let directory: String
    /// Lines of console and journal shown for a test that did not pass.
    public static let tailLines = 40

    public init(report: RunReport, directory: String) {
        self.report = report
        self.directory = directory
    }

    public func writeAll() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try write(encoder.encode(report), to: "report.json")
        var machineTails: [String: String] = [:]
        var testTails: [String: [String: String]] = [:]
        var excerpts: [String: [LogExcerpt]] = [:]
        var logs: [String: [(source: String, file: String, text: String)]] = [:]
        for test in report.tests where ![.pass, .skip].contains(test.result) {
            for machine in test.machines {
                let machineLogs = logs[machine.directory] ?? LogChecks.logFiles(in: "\(directory)/\(machine.directory)")
                logs[machine.directory] = machineLogs
                for log in machineLogs {
                    let tail = log.text.split(separator: "\n", omittingEmptySubsequences: false).suffix(Self.tailLines + 1)
                        .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                    machineTails["\(machine.id) \(log.source)"] = tail
                    testTails[test.name, default: [:]]["\(machine.id) \(log.source)"] = tail
                    excerpts[test.name, default: []].append(LogExcerpt(machine: machine.id, source: log.source,
                                                                       path: "\(machine.directory)/\(log.file)",
                                                                       text: log.text, findings: test.findings))
                }
            }
        }
        try write(Data(report.tap(tails: machineTails).utf8), to: "report.tap")
        try write(Data(report.junitXML(tails: testTails).utf8), to: "junit.xml")
        try write(Data(report.html(excerpts: excerpts).utf8), to: "report.html")
    }

    /// Replaces `name` in the run's directory with `data`.
    private func write(_ data: Data, to name: String) throws {
        try data.write(to: URL(fileURLWithPath: "\(directory)/\(name)"), options: .atomic)
    }
}

/// The last line of a run: counts per outcome, the wall time and how much of it was boot.
public struct RunSummary {
    public let report: RunReport

    public init(report: RunReport) {
        self.report = report
    }

    public var text: String {
        let counts: [(TestOutcome, String)] = [(.pass, "passed"), (.flake, "flaked"), (.fail, "failed"), (.timeout, "timed out"),
                                               (.warn, "known failures"), (.skip, "skipped")]
        var parts = counts.compactMap { outcome, word in report.count(outcome) > 0 ? "\(report.count(outcome)) \(word)" : nil }
        let retried = report.infrastructureRetriedCount
        if retried > 0 { parts.append("\(retried) run again after a host failed") }
        return "\(report.result.rawValue): \(parts.joined(separator: ", ")); wall time \(String(format: "%.1f", report.durationSeconds))s, "
            + "machines booting during \(String(format: "%.1f", report.bootSeconds))s of it (\(report.bootPercent)%)"
    }
}
