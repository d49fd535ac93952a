/// How a test ended.
public enum TestOutcome: String, Sendable, Equatable, Codable, CaseIterable {
    case pass = "PASS"
    case fail = "FAIL"
    /// The test's budget ran out; its machines were killed. Not the same as a failure.
    case timeout = "TIMEOUT"
    case skip = "SKIP"

    /// Whether this outcome lets a run pass.
    public var isSuccess: Bool { self == .pass || self == .skip }
}
