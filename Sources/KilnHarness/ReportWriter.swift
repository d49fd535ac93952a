import Foundation
public import KilnCore

/// Writes a run's reports into its directory: `report.json` (kola's fields and Kiln's),
/// `report.tap` (TAP 13) and `junit.xml`, the last two carrying the tail of each failed
/// test's console and journal.
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
        try encoder.encode(report).write(to: URL(fileURLWithPath: "\(directory)/report.json"), options: .atomic)
        var machineTails: [String: String] = [:]
        var testTails: [String: [String: String]] = [:]
        for test in report.tests where ![.pass, .skip].contains(test.result) {
            for machine in test.machines {
                for (log, text) in LogChecks.logs(in: "\(directory)/\(machine.directory)") {
                    let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(Self.tailLines + 1)
                        .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                    machineTails["\(machine.id) \(log)"] = tail
                    testTails[test.name, default: [:]]["\(machine.id) \(log)"] = tail
                }
            }
        }
        try Data(report.tap(tails: machineTails).utf8).write(to: URL(fileURLWithPath: "\(directory)/report.tap"), options: .atomic)
        try Data(report.junitXML(tails: testTails).utf8).write(to: URL(fileURLWithPath: "\(directory)/junit.xml"), options: .atomic)
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
