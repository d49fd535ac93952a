/// One thing a build needs to enter a stream, and whether it has it, with the evidence.
public struct GateRequirement: Sendable, Equatable {
    /// What is required.
    public enum Kind: String, Sendable, CaseIterable {
        /// A required test's result on one arch and platform; the subject is the test.
        case testResult = "test-result"
        /// Time since the build entered its source stream; the subject is that stream.
        case soak
        /// The build comes from a stream the policy allows; the subject is that stream (or `none`).
        case entryFromStream = "entry-from-stream"
        /// An upgrade test from the target stream's current release passed, on one arch and
        /// platform; the subject is the current release.
        case upgradeFromCurrent = "upgrade-from-current"
        /// A required test's share of flakes among its newest results, on one arch and platform;
        /// the subject is the test.
        case flakeRate = "flake-rate"
    }

    /// How the requirement stands.
    public enum Status: String, Sendable, CaseIterable {
        // Satisfied.
        case passed
        /// WARN: a known failure or a warning-class check; satisfied, and noted.
        case passedWithWarning = "passed-with-warning"
        /// FLAKE, with `rerun-pass-counts`.
        case flakedPassedOnRerun = "flaked-passed-on-rerun"
        /// Unsatisfied, but a waiver covers it (`waivedStatus` says what it covered).
        case waived
        /// Fails on the candidate and on the target stream's current release (ALWAYSFAIL): not
        /// this build's regression. Blocks only with `always-fail-blocks`.
        case alwaysFailed = "always-failed"
        /// Nothing to check: an upgrade requirement when the stream has no release yet.
        case notApplicable = "not-applicable"
        // Unsatisfied.
        /// No result (or, for soak, no entry into a source stream).
        case missing
        /// FAIL or TIMEOUT with no passing result on the current release to compare with (or
        /// FLAKE without `rerun-pass-counts`).
        case failed
        /// Fails on the candidate, passed on the target stream's current release.
        case regression
        /// SKIP: a required test that did not run.
        case skipped
        /// Has not spent the policy's soak time in its source stream.
        case tooYoung = "too-young"
        /// Flakes more often than the policy's `max-rate`.
        case flaky
        /// Comes from a stream the policy does not allow.
        case notAllowedFromStream = "not-allowed-from-stream"
    }

    /// What is required.
    public var kind: Kind
    /// The test, stream or release the requirement is about (see `Kind`).
    public var subject: String
    /// For per-arch requirements (test results, upgrades, flake rates).
    public var arch: String?
    public var platform: String?
    /// How the requirement stands.
    public var status: Status
    /// Whether the requirement lets the build through. Normally follows the status; an
    /// always-failed test is unsatisfied under `always-fail-blocks`.
    public var isSatisfied: Bool
    /// For a waived requirement, the status the waiver covered.
    public var waivedStatus: Status?
    /// The `required` rules that name the test (test results and flake rates).
    public var requiredBy: [String]
    /// What the status rests on, in the order it was found.
    public var evidence: [GateEvidence]

    /// A requirement; `isSatisfied` defaults to what `status` says by itself.
    public init(kind: Kind, subject: String, arch: String? = nil, platform: String? = nil, status: Status,
                isSatisfied: Bool? = nil, waivedStatus: Status? = nil, requiredBy: [String] = [], evidence: [GateEvidence] = []) {
        self.kind = kind
        self.subject = subject
        self.arch = arch
        self.platform = platform
        self.status = status
        self.isSatisfied = isSatisfied ?? status.isSatisfied
        self.waivedStatus = waivedStatus
        self.requiredBy = requiredBy
        self.evidence = evidence
    }
}

extension GateRequirement.Status {
    /// Whether the status lets a build through by itself.
    public var isSatisfied: Bool {
        switch self {
        case .passed, .passedWithWarning, .flakedPassedOnRerun, .waived, .alwaysFailed, .notApplicable: true
        case .missing, .failed, .regression, .skipped, .tooYoung, .flaky, .notAllowedFromStream: false
        }
    }
}
