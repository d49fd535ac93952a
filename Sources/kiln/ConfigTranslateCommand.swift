import ArgumentParser
import Foundation
import KilnCore
import KilnHarness

/// `kiln config translate FILE.bu`: Butane to Ignition, as `butane` does, optionally down to the
/// spec a guest's Ignition accepts.
struct ConfigTranslateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a Butane config (fcos 1.0.0-1.6.0) to Ignition JSON.",
        discussion: """
            The output is deterministic: fields in the spec's order, `local` files and trees read \
            from --files-dir (never outside it) and embedded as data URLs. With --target-version \
            the result is converted to that spec, or refused naming the field the spec lacks. An \
            Ignition file is accepted too (then only converted). Exit status: 0 on success, 1 when \
            the config has errors (or warnings, without --allow-warnings), 2 on usage errors.
            """)

    @Argument(help: "The Butane (or Ignition) config.")
    var file: String

    @Option(help: "The directory `local` files and trees are read from.")
    var filesDir: String?

    @Option(help: "The Ignition spec to emit, e.g. 3.3.0 (default: the one the Butane version maps to).")
    var targetVersion: String?

    @Option(name: .shortAndLong, help: "Write the Ignition config here instead of standard output.")
    var output: String?

    @Flag(help: "Indent the JSON (two spaces); the default is compact.")
    var pretty = false

    @Flag(help: "Do not fail on warnings (unused keys).")
    var allowWarnings = false

    func run() async throws {
        let loader = try ConfigLoader.forCommandLine(filesDir: filesDir)
        var target: IgnitionSpecVersion?
        if let targetVersion {
            guard let version = IgnitionSpecVersion(targetVersion),
                IgnitionSpecVersion.validatorVersions.contains(version)
            else {
                let known = IgnitionSpecVersion.validatorVersions.map(\.description).joined(separator: ", ")
                throw ValidationError("--target-version must be one of \(known), got '\(targetVersion)'")
            }
            target = version
        }
        let standardError = FileHandle.standardError
        do {
            let loaded = try loader.load(path: file)
            var config = try loaded.accepted(allowWarnings: allowWarnings, allowHint: "--allow-warnings")
            for finding in loaded.diagnostics {
                standardError.write(Data("\(file): \(finding)\n".utf8))
            }
            if let target { config = try config.converted(to: target, source: file) }
            let text = config.json.serialized(pretty: pretty) + "\n"
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                print(text, terminator: "")
            }
        } catch let error as ConfigError {
            standardError.write(Data("kiln: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
