public import Foundation

/// What a requirement's status rests on: results with their runs and dates, stream entries,
/// flake counts, waivers.
public enum GateEvidence: Sendable, Equatable {
    /// Whose result a piece of evidence is.
    public enum Role: String, Sendable {
        /// The build being gated.
        case candidate
        /// The target stream's current release, which the candidate is compared with.
        case baseline
    }

    /// A recorded result (the newest of its test on its arch and platform, for its build).
    case result(Role, RecordedResult)
    /// `build` has no result for the requirement's test on its arch and platform.
    case noResult(Role, build: String)
    /// The target stream has no release to compare with or upgrade from.
    case noBaseline(stream: String)
    /// The build entered a stream (its source stream, for soak and entry requirements).
    case entry(StreamEntry)
    /// The build entered no stream other than the target.
    case noEntry(build: String)
    /// The streams the policy lets builds come from.
    case allowedFrom([String])
    /// Soak time: how long the build has been in its source stream, of how long required, and
    /// from when it will have soaked enough.
    case soak(elapsed: GateDuration, required: GateDuration, soakedAt: Date)
    /// A test's flakes among its newest `runs` results (at most `window`), against `maxRate`;
    /// `flakeRunIDs` are the runs where it flaked, newest first.
    case flakeRate(flakes: Int, runs: Int, window: Int, maxRate: Double, flakeRunIDs: [Int64])
    /// An upgrade result from another build than the current release (it does not count).
    case upgradeFromOther(RecordedResult)
    /// The waiver that covers the requirement.
    case waiver(Waiver)
    /// A waiver that would have covered the requirement but expired before the decision's instant.
    case expiredWaiver(Waiver)
    /// Anything else worth saying.
    case note(String)
}
