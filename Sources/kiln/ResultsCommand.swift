import ArgumentParser
import Foundation
import KilnCore
import KilnResults

/// `kiln results`: what the results database recorded: the newest verdicts, and pass, fail and
/// flake rates per test and per build.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Show recorded test results, and pass, fail and flake rates per test and per build.",
        discussion: """
            A test's result in a run is its final verdict there (FLAKE when it passed when run again); results of \
            interrupted runs count. PASS%, FAIL% (FAIL or TIMEOUT) and FLAKE% are shares of the runs in which the test ran (not SKIP). \
            Exit status: 0, 1 when the database cannot be read, 2 for bad input or no database.
            """)

    @OptionGroup var workdir: WorkdirOptions

    @Option(help: "Only tests whose name matches this shell glob.")
    var test: String?

    @Option(help: "Only this build (its id).")
    var build: String?

    @Option(help: "Only results given on or after this day (YYYY-MM-DD, UTC).")
    var since: String?

    @Option(help: "Show at most this many of the newest results (the rates count all).")
    var limit = 50

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func run() async throws {
        var filter = ResultsFilter(test: test.map(Glob.init), build: build)
        if let since {
            guard let day = ResultsFilter.startOfDay(since) else {
                throw RunCommand.fail("--since must be a day as YYYY-MM-DD, got '\(since)'", status: 2)
            }
            filter.since = day
        }
        guard limit >= 0 else { throw RunCommand.fail("--limit must be 0 or more, got \(limit)", status: 2) }
        let report: ResultsReport
        do {
            let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir.path), createIfMissing: false)
            report = try ResultsReport(database: database, filter: filter, limit: limit)
        } catch .missing(let path) {
            throw RunCommand.fail("no results database at \(path): no run was recorded in this work directory yet (--workdir chooses another)", status: 2)
        } catch {
            throw RunCommand.fail("\(error)", status: 1)
        }
        if json {
            print(report.json.serialized(pretty: true))
            return
        }
        if report.total == 0 {
            print("kiln results: no result matches")
            return
        }
        print("Newest \(report.history.count) of \(report.total) result(s):")
        print(Table(rows: report.historyRows).rendered)
        print("Per test:")
        print(Table(rows: report.testRows).rendered)
        print("Per build:")
        print(Table(rows: report.buildRows).rendered, terminator: "")
    }
}
