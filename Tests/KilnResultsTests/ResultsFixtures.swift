import Foundation
import GRDB
import KilnCore
@testable import KilnResults

/// A results database in a directory of its own, removed after `body`.
func withDatabase<T>(_ body: (ResultsDatabase, String) throws -> T) throws -> T {
    let directory = NSTemporaryDirectory() + "kiln-results-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: directory))
    return try body(database, directory)
}

/// An instant `seconds` after a fixed origin, whole seconds so that it survives storage.
func instant(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: 1_780_000_000 + Double(seconds))
}

/// A run of `build` started at `at`, by this process unless `host` and `pid` say otherwise.
func runStart(_ build: String, arch: String = "x86_64", platform: String = "qemu", at: Date = instant(0),
              host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()) -> RunStart {
    RunStart(build: build, stream: "testing", arch: arch, platform: platform, kilnVersion: "0.1.0",
             outputDirectory: "_kiln/\(build)", startedAt: at, host: host, pid: pid)
}

/// A test's report as the runner gives it.
func report(_ name: String, _ outcome: TestOutcome, attempt: Int = 1, error: String? = nil,
            machines: [MachineReport] = []) -> TestReport {
    TestReport(name: name, result: outcome, duration: .seconds(12), error: error ?? (outcome.isSuccess ? nil : "\(name) broke"),
               output: "", machines: machines, attempts: attempt)
}

extension ResultsDatabase {
    /// The first column of a query's rows, as text, for checks the public API does not offer.
    func strings(_ sql: String) throws -> [String] {
        try read { db in try String.fetchAll(db, sql: sql) }
    }

    /// The integer a query gives.
    func integer(_ sql: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
