/// How a test ended.
public enum TestOutcome: String, Sendable, Equatable, Codable, CaseIterable {
    case pass = "PASS"
    case fail = "FAIL"
    /// The test's budget ran out; its machines were killed. Not the same as a failure.
    case timeout = "TIMEOUT"
    case skip = "SKIP"
    /// Failed, then passed when `--rerun` ran it again in fresh machines.
    case flake = "FLAKE"
    /// Failed, but the failure is known (a denylist entry with `warn: true`) or only a warning-class
    /// check failed: reported, and the run's exit status is 77 when nothing worse happened.
    case warn = "WARN"

    /// Whether this outcome lets a run pass.
    public var isSuccess: Bool { self == .pass || self == .skip || self == .flake }
}
