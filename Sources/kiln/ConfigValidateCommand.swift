import ArgumentParser
import Foundation
import KilnCore

/// `kiln config validate FILE...`: Ignition's verdict on each file, without a machine.
struct ConfigValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate Ignition configs (spec 3.0.0-3.5.0) as Ignition would.",
        discussion: "Prints each finding as `FILE: error|warning at PATH, line L col C: message`. Exit status: 0 when every file is clean (or has only warnings, with --allow-warnings), 1 otherwise.")

    @Argument(help: "Ignition config files (JSON).")
    var files: [String]

    @Flag(help: "Do not fail on warnings (unknown keys, fields newer than the config's version).")
    var allowWarnings = false

    func run() async throws {
        var failed = false
        for file in files {
            let findings = Self.findings(for: file)
            for finding in findings {
                print("\(file): \(finding)")
            }
            if findings.containsError || (!allowWarnings && !findings.isEmpty) {
                failed = true
            } else {
                print("\(file): ok\(findings.isEmpty ? "" : " (with warnings)")")
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// What Ignition would say of `file`: unreadable files and JSON syntax errors are errors too.
    static func findings(for file: String) -> [ConfigDiagnostic] {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            return [ConfigDiagnostic(severity: .error, path: "$", position: nil, message: "cannot read the file")]
        }
        do {
            return IgnitionValidator.validate(try JSONDocument(parsing: String(decoding: bytes, as: UTF8.self)))
        } catch {
            return [ConfigDiagnostic(severity: .error, path: "$", position: error.position,
                                     message: "not valid JSON: \(error.message)")]
        }
    }
}
