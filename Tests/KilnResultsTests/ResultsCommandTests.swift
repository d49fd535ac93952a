import Foundation
import KilnCore
import KilnPlatform
import KilnResults
import KilnTesting
import Testing

/// `kiln results` as a user runs it.
struct ResultsCommandTests {
    func kiln(_ arguments: [String]) async throws -> HostCommandResult {
        try await runHostCommand(ReferenceBuild.kilnExecutable, ["results"] + arguments)
    }

    @Test func noDatabaseSaysWhereItLooked() async throws {
        let directory = NSTemporaryDirectory() + "kiln-results-none-\(UUID().uuidString)"
        let result = try await kiln(["--workdir", directory])
        #expect(result.status == .exited(2))
        #expect(result.stderr.contains("no results database at \(directory)/kiln.sqlite: no run was recorded in this work directory yet"))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func aBadDayNamesTheOptionAndTheFormat() async throws {
        let result = try await kiln(["--since", "last week"])
        #expect(result.status == .exited(2))
        #expect(result.stderr.contains("--since must be a day as YYYY-MM-DD, got 'last week'"))
    }

    @Test func tablesAndJSON() async throws {
        let directory = NSTemporaryDirectory() + "kiln-results-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: directory))
        let runID = try database.beginRun(runStart("41.1"))
        try database.record(test: report("basic", .pass), runID: runID, finishedAt: instant(10))
        try database.record(test: report("ext.a", .fail, error: "exit status 1"), runID: runID, finishedAt: instant(20))
        try database.finishRun(runID, result: .fail, endedAt: instant(30))

        let text = try await kiln(["--workdir", directory, "--test", "ext.*"])
        #expect(text.status == .exited(0))
        #expect(text.stdout.hasPrefix("Newest 1 of 1 result(s):\nFINISHED "))
        #expect(text.stdout.contains("ext.a  FAIL    1         12.0s     exit status 1"))
        #expect(text.stdout.contains("Per test:\nTEST "))
        #expect(text.stdout.contains("Per build:\nBUILD "))

        let json = try await kiln(["--workdir", directory, "--json", "--since", "2026-05-28"])
        #expect(json.status == .exited(0))
        let value = try JSONDocument(parsing: json.stdout).value
        #expect(value["results"]?.arrayValue?.compactMap { $0["test"]?.stringValue } == ["ext.a", "basic"])
        #expect(value["builds"]?.arrayValue?.first?["fail"] == .number("1"))
    }
}
