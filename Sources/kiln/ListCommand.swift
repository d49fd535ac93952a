import ArgumentParser
import Foundation
import KilnChecks
import KilnCore
import KilnHarness

/// `kiln list [--json]`: the registered tests and every field of their metadata.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the registered tests.")

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(name: [.customShort("E"), .customLong("exttest")],
            help: "Also list the external tests (scripts run in the guest) under this directory, as [NAME=]DIR. Repeatable.")
    var externalDirectories: [String] = []

    @Option(help: "Also list the external tests of this build's coreos-assembler work dir (its src/config), as kiln run would run them.")
    var build: String?

    func run() async throws {
        let registry = try BuiltinTests.registry()
        var metadata = registry.metadata
        var directories = externalDirectories
        if let build {
            do {
                if let repository = LoadedBuild.configRepository(ofMeta: try LoadedBuild.locate(build)) {
                    directories.append("config=\(repository)")
                }
            } catch {
                FileHandle.standardError.write(Data("kiln: error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        do {
            let found = try ExternalTestDiscovery(all: directories)
            for warning in found.warnings { FileHandle.standardError.write(Data("kiln: warning: \(warning)\n".utf8)) }
            metadata += found.tests.map(\.testMetadata)
        } catch {
            FileHandle.standardError.write(Data("kiln: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(metadata), as: UTF8.self))
            return
        }
        let rows = [["NAME", "MACHINES", "MEMORY", "TIMEOUT", "TAGS", "DESCRIPTION"]] + metadata.map { test in
            [test.name, test.clusterSize == 0 ? "own" : test.exclusive ? "\(test.clusterSize)" : "shared",
             "\(test.machine.memoryMiB)M", "\(Int(test.timeout.seconds))s",
             (test.tags + (test.requiredTag.map { ["requires:\($0)"] } ?? [])).joined(separator: ","), test.description]
        }
        print(Table(rows: rows).rendered, terminator: "")
        // Upgrade tests run with `kiln run-upgrade`, their phases around an update on a shared machine.
        let upgrades = [["UPGRADE TEST", "DESCRIPTION"]] + UpgradeChecks.all.map { [$0.name, $0.description] }
            + UpgradeChecks.selfTests.map { [$0.name, "(only when named) \($0.description)"] }
        print("\nkiln run-upgrade runs these around each update, besides its own invariants:\n" + Table(rows: upgrades).rendered, terminator: "")
    }
}

/// Left-aligned columns separated by two spaces.
struct Table {
    var rows: [[String]]

    var rendered: String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
