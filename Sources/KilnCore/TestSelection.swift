/// Which registered tests a run takes: name patterns, `--tag t` / `--tag '!t'`, required tags
/// and platforms, as kola selects them.
public struct TestSelection: Sendable, Equatable {
    public var patterns: [Glob]
    /// Tags a test must have one of (empty: no constraint).
    public var includeTags: [String]
    /// Tags that exclude a test.
    public var excludeTags: [String]
    public var platform: String

    /// `tags` as given on the command line: `foo` includes, `!foo` excludes.
    public init(patterns: [String], tags: [String] = [], platform: String) {
        self.patterns = (patterns.isEmpty ? ["*"] : patterns).map(Glob.init)
        self.includeTags = tags.filter { !$0.hasPrefix("!") }
        self.excludeTags = tags.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        self.platform = platform
    }

    /// The tests to run, in registry order.
    /// - Throws: `SelectionError` when a pattern matches no registered test, or nothing is left.
    public func select(from tests: [TestMetadata]) throws(SelectionError) -> [TestMetadata] {
        for pattern in patterns where !tests.contains(where: { pattern.matches($0.name) }) {
            throw SelectionError(message: "pattern '\(pattern)' matches no registered test (see 'kiln list')")
        }
        let selected = tests.filter { test in
            guard patterns.contains(where: { $0.matches(test.name) }) else { return false }
            if let required = test.requiredTag, !includeTags.contains(required) { return false }
            if !includeTags.isEmpty,
                !includeTags.contains(where: { test.tags.contains($0) || test.requiredTag == $0 })
            {
                return false
            }
            if excludeTags.contains(where: test.tags.contains) { return false }
            if !test.platforms.isEmpty, !test.platforms.contains(platform) { return false }
            return true
        }
        if selected.isEmpty {
            throw SelectionError(message: "no test left to run after applying tags and platform '\(platform)'")
        }
        return selected
    }
}

/// A selection that cannot be satisfied.
public struct SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
