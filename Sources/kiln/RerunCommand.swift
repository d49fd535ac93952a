import ArgumentParser
import Foundation
import KilnCore

/// `kiln rerun REPORT_OR_DIR`: the failed and timed-out tests of an earlier run, run again as
/// that run ran them: same subcommand, same build (checked by its image digest), same options.
struct RerunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract: "Run the failed and timed-out tests of an earlier run again.",
        discussion: """
            Reads the run's report.json, and runs `kiln run` (or `kiln run-upgrade`) again with the run's own \
            arguments, in the directory it was started in, for the tests that failed or timed out. The build \
            must still have the image the run tested. Exit status: that of the run; 2 for bad input.
            """)

    @Argument(help: "The earlier run: its report.json or its output directory.")
    var report: String

    @Argument(help: "Only the failures matching these patterns (shell globs); all of them when none is given.")
    var patterns: [String] = []

    @Option(help: "Where this run's artifacts and reports go. Default: as `kiln run` chooses, beside the earlier run's.")
    var outputDir: String?

    func run() async throws {
        let (earlier, invocation, path) = try exitingOnError { () throws -> (RunReport, RunInvocation, String) in
            let path = Self.reportPath(report)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RerunError("\(path): cannot read the file (a run's report.json, or its directory)")
            }
            let earlier: RunReport
            do {
                earlier = try JSONDecoder().decode(RunReport.self, from: data)
            } catch {
                throw RerunError("\(path): not a Kiln report: \(error)")
            }
            guard let invocation = earlier.invocation else {
                throw RerunError("\(path) does not record how its run was started (written by an older Kiln); run its failed tests by name with kiln run")
            }
            return (earlier, invocation, path)
        }
        let absoluteOutput = outputDir.map { $0.hasPrefix("/") ? $0 : "\(FileManager.default.currentDirectoryPath)/\($0)" }
        var command = try exitingOnError { () throws -> any AsyncParsableCommand in
            guard FileManager.default.changeCurrentDirectoryPath(invocation.workingDirectory) else {
                throw RerunError("\(path): its run was started in \(invocation.workingDirectory), which does not exist here")
            }
            switch invocation.command {
            case RunCommand.configuration.commandName:
                return try rerunCommand(RunCommand.parse(invocation.arguments), earlier: earlier, output: absoluteOutput)
            case RunUpgradeCommand.configuration.commandName:
                return try rerunCommand(RunUpgradeCommand.parse(invocation.arguments), earlier: earlier, output: absoluteOutput)
            case let other:
                throw RerunError("\(path): its run was `kiln \(other)`, which kiln rerun does not repeat")
            }
        }
        if let run = command as? RunCommand {
            print("kiln: as: \(RunInvocation(command: "run", arguments: run.arguments, workingDirectory: "").shellText)")
        } else if let upgrade = command as? RunUpgradeCommand {
            print("kiln: as: \(RunInvocation(command: "run-upgrade", arguments: upgrade.arguments, workingDirectory: "").shellText)")
        }
        fflush(nil)
        try await command.run()
    }

    /// `kiln run` with the earlier run's arguments, for its failures only.
    private func rerunCommand(_ original: RunCommand, earlier: RunReport, output: String?) throws -> RunCommand {
        let selection = try RerunSelection(report: earlier, multiplied: original.multiply, only: patterns.map(Glob.init))
        say(selection)
        var command = original
        command.patterns = selection.names.map(Glob.escaped)
        command.multiply = 1
        command.shard = nil
        command.outputDir = output
        command.expectImageSHA256 = earlier.build.imageSHA256
        return command
    }

    /// `kiln run-upgrade` with the earlier run's arguments, from the builds whose update failed.
    private func rerunCommand(_ original: RunUpgradeCommand, earlier: RunReport, output: String?) throws -> RunUpgradeCommand {
        let selection = try RerunSelection(report: earlier, only: patterns.map(Glob.init))
        say(selection)
        var sources: [String] = []
        for name in selection.names {
            guard let source = UpgradeTestName.source(of: name) else {
                throw RerunError("\(name) is not an upgrade path's test (upgrade.from-VERSION)")
            }
            if !sources.contains(source) { sources.append(source) }
        }
        var command = original
        command.from = sources
        command.matrix = false
        command.findParent = false
        command.outputDir = output
        command.expectImageSHA256 = earlier.build.imageSHA256
        return command
    }

    private func say(_ selection: RerunSelection) {
        let list = selection.failures.map { "\($0.name) (\($0.result.rawValue))" }.joined(separator: ", ")
        print("kiln: running again: \(list)")
    }

    /// `report` itself, or `report.json` in it when it is a directory.
    static func reportPath(_ argument: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
            return "\(argument)/report.json"
        }
        return argument
    }
}
