/// Which tests of an earlier run `kiln rerun` runs again: those that failed or timed out.
/// Known failures (WARN), flakes, skips and passes are not run again; a shared machine's own
/// entry (`kiln.bucket-N`) is not a test, its tests are; a test multiplied with `--multiply`
/// (`name0`, `name1`, ...) is run again once, under its own name.
public struct RerunSelection: Sendable, Equatable {
    /// The names to run, in the report's order.
    public var names: [String]
    /// The report's failures by name, for saying what is being run again.
    public var failures: [(name: String, result: TestOutcome)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.names == rhs.names && lhs.failures.map(\.name) == rhs.failures.map(\.name)
            && lhs.failures.map(\.result) == rhs.failures.map(\.result)
    }

    /// - Parameters:
    ///   - multiplied: the run's `--multiply` count (1 when it had none).
    ///   - only: when not empty, the failures to take; each must match one.
    /// - Throws: `RerunError` when nothing failed, or a pattern matches no failure.
    public init(report: RunReport, multiplied: Int = 1, only: [Glob] = []) throws(RerunError) {
        let all = report.tests.filter { [.fail, .timeout].contains($0.result) && !Self.isSharedMachineEntry($0.name) }
        guard !all.isEmpty else {
            throw RerunError("the run of build \(report.build.id) has no failed or timed-out test (result \(report.result.rawValue)): there is nothing to run again")
        }
        for pattern in only where !all.contains(where: { pattern.matches($0.name) }) {
            throw RerunError("'\(pattern)' matches none of the run's failures (\(all.map(\.name).joined(separator: ", ")))")
        }
        failures = all.filter { test in only.isEmpty || only.contains { $0.matches(test.name) } }.map { ($0.name, $0.result) }
        var names: [String] = []
        for failure in failures {
            let name = multiplied > 1 ? Self.unmultiplied(failure.name, count: multiplied) : failure.name
            if !names.contains(name) { names.append(name) }
        }
        self.names = names
    }

    /// `kiln.bucket-N`: the entry of a machine that several tests shared.
    public static func isSharedMachineEntry(_ name: String) -> Bool {
        name.hasPrefix("kiln.bucket-")
    }

    /// `name7` as `name` for a run with `--multiply 8` (copies are named `<name>0` ... `<name>N-1`).
    static func unmultiplied(_ name: String, count: Int) -> String {
        for index in (0..<count).reversed() {
            let suffix = String(index)
            if name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
        }
        return name
    }
}

/// Why an earlier run cannot be run again.
public struct RerunError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
