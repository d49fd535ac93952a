public import Foundation
import GRDB
public import KilnCore

/// Which verdicts `kiln results` shows: of tests matching a glob, of one build, since an
/// instant. Every part is optional.
public struct ResultsFilter: Sendable, Equatable {
    /// Test names, as `kiln run` selects them.
    public var test: Glob?
    /// A build id, exactly.
    public var build: String?
    /// Verdicts given at or after this instant.
    public var since: Date?

    public init(test: Glob? = nil, build: String? = nil, since: Date? = nil) {
        self.test = test
        self.build = build
        self.since = since
    }

    /// The start of day `text` (`YYYY-MM-DD`) in UTC, or nil for any other text or a day that
    /// does not exist.
    public static func startOfDay(_ text: String) -> Date? {
        guard let day = DenylistDate(text) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
    }

    /// The condition on current verdict rows of `test_attempts`, and its arguments. The glob is
    /// matched against the distinct test names, not row by row.
    func condition(_ db: Database) throws -> (sql: String, arguments: StatementArguments) {
        var clauses = ["test_attempts.superseded_at IS NULL"]
        var arguments: StatementArguments = []
        if let test {
            let names = try Self.testNames(db).filter(test.matches)
            clauses.append("test_attempts.test IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))")
            arguments += StatementArguments(names)
        }
        if let build {
            clauses.append("test_attempts.build = ?")
            arguments += [build]
        }
        if let since {
            clauses.append("test_attempts.finished_at >= ?")
            arguments += [since.unixMilliseconds]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    /// Every test name recorded, in order: one index seek per name (a loose index scan), not a
    /// scan of every attempt.
    static func testNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            WITH RECURSIVE names(test) AS (
                SELECT MIN(test) FROM test_attempts
                UNION ALL
                SELECT (SELECT MIN(test) FROM test_attempts WHERE test > names.test) FROM names WHERE names.test IS NOT NULL
            )
            SELECT test FROM names WHERE test IS NOT NULL
            """)
    }
}
