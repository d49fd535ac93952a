import Foundation
import KilnCore
import KilnResults
import Testing

/// The benchmark's database is a real one: seeded through recording's insert, read by the gate.
struct ResultsBenchmarkTests {
    @Test func aSmallSeedAnswersTheGatesReads() throws {
        try withDatabase { database, _ throws in
            let bench = ResultsBenchmark(attempts: 2000, testsPerBuild: 100, recentLimit: 5)
            #expect(try bench.seed(database) == 2000)
            #expect(try bench.seed(database) == 0)
            let timings = try bench.timeGate(database)
            #expect(timings.recentCalls == 100)
            #expect(timings.rows == 100 + 100 + 100 * 5)
            let counts = try database.testRates(ResultsFilter()).map(\.counts)
            func total(_ field: KeyPath<OutcomeCounts, Int>) -> Int { counts.map { $0[keyPath: field] }.reduce(0, +) }
            #expect(total(\.runs) == 2000)
            #expect(total(\.pass) > 1800 && total(\.flake) > 0 && total(\.fail) > 0)
        }
    }
}
