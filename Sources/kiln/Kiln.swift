import ArgumentParser
import Foundation

/// `kiln`: boots OS images under QEMU, provisions them with Ignition, runs checks over SSH.
@main
struct Kiln: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "An integration-test harness for OS images (QEMU, Ignition, SSH).",
        version: version,
        subcommands: [RunCommand.self, RunUpgradeCommand.self, RerunCommand.self, ReplayCommand.self, SpawnCommand.self, SSHCommand.self,
                      DestroyCommand.self, ListCommand.self, ResultsCommand.self, GateCommand.self, PromoteCommand.self, WaiveCommand.self,
                      BuildsCommand.self, RolloutCommand.self, ConfigCommand.self, GCCommand.self, BenchCommand.self])

    /// Ignores SIGPIPE (a closed pipe on standard output must not kill Kiln before it has
    /// destroyed its machines and written its report), then parses and runs the command.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
