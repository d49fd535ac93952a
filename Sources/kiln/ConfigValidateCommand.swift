import ArgumentParser
import Foundation
import KilnCore
import KilnHarness

/// `kiln config validate FILE...`: Ignition's verdict on each file, without a machine.
struct ConfigValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate Ignition configs (spec 3.0.0-3.5.0) and Butane configs (fcos 1.0.0-1.6.0) as Ignition would.",
        discussion: """
            A file ending in .bu, .yaml or .yml is Butane, .ign or .json Ignition; any other is \
            Ignition when it starts with `{`. Butane configs are translated first, and findings point \
            at the YAML. Prints each finding as `FILE: error|warning at PATH, line L col C: message`. \
            Exit status: 0 when every file is clean (or has only warnings, with --allow-warnings), 1 otherwise.
            """)

    @Argument(help: "Ignition (JSON) or Butane (YAML) config files.")
    var files: [String]

    @Option(help: "The directory Butane `local` files and trees are read from.")
    var filesDir: String?

    @Flag(help: "Do not fail on warnings (unknown keys, fields newer than the config's version).")
    var allowWarnings = false

    func run() async throws {
        let loader = try ConfigLoader.forCommandLine(filesDir: filesDir)
        var failed = false
        for file in files {
            let findings: [ConfigDiagnostic]
            do {
                findings = try loader.load(path: file).diagnostics
            } catch {
                findings = [ConfigDiagnostic(severity: .error, path: error.path ?? "$", position: error.position,
                                             message: error.message)]
            }
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
}

extension ConfigLoader {
    /// A loader for `--files-dir`, or a usage error (exit status 2) when it is not a directory.
    static func forCommandLine(filesDir: String?) throws -> ConfigLoader {
        guard let filesDir else { return ConfigLoader() }
        do {
            return ConfigLoader(filesDirectory: try FilesDirectory(filesDir))
        } catch {
            FileHandle.standardError.write(Data("kiln: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
