import Foundation
import KilnCore
import KilnResults
import Testing

/// `kiln results`: history, rates per test and per build, filters, JSON and tables.
struct ResultsReportTests {
    /// Two builds: 41.1 (basic PASS, ext.a FAIL, ext.b SKIP) and 41.2 (basic FLAKE, ext.a PASS, ext.b TIMEOUT).
    func seed(_ database: ResultsDatabase) throws {
        let outcomes: [[(String, TestOutcome)]] = [
            [("basic", .pass), ("ext.a", .fail), ("ext.b", .skip)],
            [("basic", .flake), ("ext.a", .pass), ("ext.b", .timeout)],
        ]
        for (index, tests) in outcomes.enumerated() {
            let day = 86_400 * index
            let runID = try database.beginRun(runStart("41.\(index + 1)", at: instant(day)))
            for (offset, (name, outcome)) in tests.enumerated() {
                try database.record(test: report(name, outcome, attempt: outcome == .flake ? 2 : 1), runID: runID,
                                    tags: ["t"], finishedAt: instant(day + 10 * (offset + 1)))
            }
            try database.finishRun(runID, result: .fail, endedAt: instant(day + 100))
        }
    }

    @Test func ratesPerTestAndPerBuild() throws {
        try withDatabase { database, _ throws in
            try seed(database)
            let tests = try database.testRates(ResultsFilter())
            #expect(tests.map(\.test) == ["basic", "ext.a", "ext.b"])
            #expect(tests[0].counts == OutcomeCounts(runs: 2, pass: 1, flake: 1))
            #expect(tests[0].counts.passRate == 0.5)
            #expect(tests[0].counts.flakeRate == 0.5)
            #expect(tests[2].counts == OutcomeCounts(runs: 2, timeout: 1, skip: 1))
            #expect(tests[2].counts.passRate == 0 && tests[2].counts.failRate == 1)
            let builds = try database.buildRates(ResultsFilter())
            #expect(builds.map(\.build) == ["41.2", "41.1"])
            #expect(builds[1].counts == OutcomeCounts(runs: 3, pass: 1, fail: 1, skip: 1))
            #expect(builds[1].counts.passRate == 0.5 && builds[1].counts.failRate == 0.5)
        }
    }

    @Test func nothingRanHasNoRate() {
        #expect(OutcomeCounts(runs: 2, skip: 2).passRate == nil)
        #expect(OutcomeCounts().flakeRate == nil)
    }

    @Test func filtersByTestGlobBuildAndDay() throws {
        try withDatabase { database, _ throws in
            try seed(database)
            #expect(try database.testRates(ResultsFilter(test: Glob("ext.*"))).map(\.test) == ["ext.a", "ext.b"])
            #expect(try database.testRates(ResultsFilter(test: Glob("nothing*"))).isEmpty)
            #expect(try database.history(ResultsFilter(build: "41.1"), limit: 10).map(\.result.test) == ["ext.b", "ext.a", "basic"])
            // instant(0) is 2026-05-28T20:26:40Z; the second build ran a day later.
            let since = try #require(ResultsFilter.startOfDay("2026-05-29"))
            #expect(try database.buildRates(ResultsFilter(since: since)).map(\.build) == ["41.2"])
            #expect(try database.history(ResultsFilter(test: Glob("ext.?"), build: "41.2"), limit: 1).map(\.result.test) == ["ext.b"])
        }
    }

    @Test func dayParsingIsStrict() {
        #expect(ResultsFilter.startOfDay("2026-03-01") == Date(timeIntervalSince1970: 1_772_323_200))
        for bad in ["2026-02-30", "2026-3-1", "yesterday", ""] {
            #expect(ResultsFilter.startOfDay(bad) == nil, "\(bad)")
        }
    }

    @Test func historyIsNewestFirstWithRunStatus() throws {
        try withDatabase { database, _ throws in
            try seed(database)
            let history = try database.history(ResultsFilter(), limit: 2)
            #expect(history.map(\.result.test) == ["ext.b", "ext.a"])
            #expect(history.map(\.runStatus) == [.finished, .finished])
            #expect(history[0].durationSeconds == 12)
        }
    }

    @Test func jsonAndTables() throws {
        try withDatabase { database, _ throws in
            try seed(database)
            let report = try ResultsReport(database: database, filter: ResultsFilter(test: Glob("basic")), limit: 1)
            #expect(report.total == 2)
            let json = report.json
            #expect(json["total"] == .number("2"))
            let newest = try #require(json["results"]?.arrayValue?.first)
            #expect(newest["result"] == "FLAKE")
            #expect(newest["attempts"] == .number("2"))
            #expect(newest["tags"] == ["t"])
            let basic = try #require(json["tests"]?.arrayValue?.first)
            #expect(basic["flakeRate"] == .number("0.5000") && basic["failRate"] == .number("0.0000"))
            #expect(basic["skip"] == .number("0"))
            #expect(json["builds"]?.arrayValue?.count == 2)
            #expect(try JSONDocument(parsing: json.serialized(pretty: true)).value == json)

            #expect(report.historyRows.count == 2)
            #expect(report.historyRows[1][6] == "FLAKE")
            #expect(report.testRows == [
                ["TEST", "RUNS", "PASS", "FAIL", "TIMEOUT", "FLAKE", "WARN", "SKIP", "PASS%", "FAIL%", "FLAKE%"],
                ["basic", "2", "1", "0", "0", "1", "0", "0", "50.0%", "0.0%", "50.0%"],
            ])
            #expect(report.buildRows[0].first == "BUILD")
        }
    }
}
