import ArgumentParser
import Foundation
import KilnCore
import KilnResults

/// `kiln waive`: accept failing or missing required tests, for some builds, until a date, with a
/// reason and a name. The gate applies it while it lasts, and says so; after it expires the
/// gate reports that it expired.
struct WaiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waive",
        abstract: "Record a waiver: the gate accepts matching required tests that failed or are missing, until it expires.")

    @Option(help: "The tests waived: a glob over test names.")
    var test: String

    @Option(help: "The first build covered (compared as a version). Default: every earlier build.")
    var fromBuild: String?

    @Option(help: "The last build covered. Default: every later build.")
    var throughBuild: String?

    @Option(help: "Only this architecture. Default: every one.")
    var arch: String?

    @Option(help: "A URL (https://...) explaining the waiver: the issue tracking the failure.")
    var reason: String

    @Option(help: "When the waiver stops applying (ISO 8601, or YYYY-MM-DD at 00:00 UTC).")
    var expires: Timestamp

    @Option(help: "Who waives it.")
    var by: String

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        let waiver = try exitingOnError {
            let glob = Glob(test)
            if let offset = glob.unterminatedBracketOffset {
                throw GateInputError("--test '\(test)': unterminated '[' at offset \(offset)")
            }
            guard reason.hasPrefix("https://") || reason.hasPrefix("http://") else {
                throw GateInputError("--reason: expected the URL of an issue or page that explains the waiver, found \"\(reason)\"")
            }
            guard expires.date > Date() else { throw GateInputError("--expires: the date is already past") }
            guard !by.trimmingCharacters(in: .whitespaces).isEmpty else { throw GateInputError("--by: expected a name") }
            let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir.path))
            return try database.addWaiver(testPattern: test, fromBuild: fromBuild, throughBuild: throughBuild, arch: arch,
                                          reason: reason, waivedBy: by, expiresAt: expires.date)
        }
        let scope = [waiver.fromBuild.map { "from \($0)" }, waiver.throughBuild.map { "through \($0)" }, waiver.arch.map { "on \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        print("waiver \(waiver.id): \(waiver.testPattern)\(scope.isEmpty ? "" : " \(scope)") until "
              + "\(ISO8601DateFormatter().string(from: waiver.expiresAt)), by \(waiver.waivedBy): \(waiver.reason)")
    }
}
