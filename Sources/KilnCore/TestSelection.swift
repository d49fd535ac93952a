/// Which registered tests a run takes: name patterns, `--tag t` / `--tag '!t'`, required tags
/// and the run's target (platform, architecture, stream, firmware), as kola selects them; then
/// `--multiply` and `--shard`.
public struct TestSelection: Sendable, Equatable {
    public var patterns: [Glob]
    /// Tags a test must have one of (empty: no constraint).
    public var includeTags: [String]
    /// Tags that exclude a test.
    public var excludeTags: [String]
    public var target: RunTarget

    /// `tags` as given on the command line: `foo` includes, `!foo` excludes.
    public init(patterns: [String], tags: [String] = [], target: RunTarget) {
        self.patterns = (patterns.isEmpty ? ["*"] : patterns).map(Glob.init)
        self.includeTags = tags.filter { !$0.hasPrefix("!") }
        self.excludeTags = tags.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        self.target = target
    }

    /// Throws when a pattern matches no test at all (whatever tags and target say).
    public func checkPatterns(in tests: [TestMetadata]) throws(SelectionError) {
        for pattern in patterns where !tests.contains(where: { pattern.matches($0.name) }) {
            throw SelectionError(message: "pattern '\(pattern)' matches no registered test (see 'kiln list')")
        }
    }

    /// The tests to run, in registry order.
    /// - Throws: `SelectionError` when a pattern matches no registered test, or nothing is left.
    public func select(from tests: [TestMetadata]) throws(SelectionError) -> [TestMetadata] {
        try checkPatterns(in: tests)
        let selected = tests.filter { test in
            guard patterns.contains(where: { $0.matches(test.name) }) else { return false }
            if let required = test.requiredTag, !includeTags.contains(required) { return false }
            if !includeTags.isEmpty,
                !includeTags.contains(where: { test.tags.contains($0) || test.requiredTag == $0 })
            {
                return false
            }
            if excludeTags.contains(where: test.tags.contains) { return false }
            return test.constraints.excludes(target) == nil
        }
        if selected.isEmpty {
            throw SelectionError(message: "no test left to run after applying tags and the target (platform '\(target.platform)')")
        }
        return selected
    }
}

/// `--shard i/n`: the i-th of n disjoint parts of a selection (1-based), so n CI jobs together
/// run every test once. Tests are dealt round-robin in selection order.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// Parses `i/n` with 1 ≤ i ≤ n.
    public init(_ text: String) throws(SelectionError) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else {
            throw SelectionError(message: "--shard must be i/n with 1 <= i <= n (e.g. 2/4), got '\(text)'")
        }
        self.index = index
        self.count = count
    }

    public func take<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}

/// A selection that cannot be satisfied.
public struct SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
