import Foundation
import KilnTesting
import Testing

@testable import KilnCore

/// Rollouts, halts, resumptions, barriers and dead-ends in updates/<stream>.json, against
/// golden files under fixtures/streams/generated (regenerate with KILN_UPDATE_GOLDEN=1).
struct StreamUpdatesTests {
    typealias Samples = StreamSamples
    static let previous = "44.20260621.3.1"
    static let current = "44.20260707.3.1"

    func golden(_ updates: UpdatesMetadata, _ name: String) {
        let mismatch = Fixtures.compareGolden(updates.text, "streams/generated/\(name)")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    /// The previous release fully rolled out, the current one rolling out over 48 h.
    func rolling() throws -> UpdatesMetadata {
        try UpdatesMetadata(stream: "stable")
            .settingRollout(.complete, version: Self.previous, at: Samples.minutes(-60))
            .settingRollout(Rollout(start: Samples.start, durationMinutes: 2880), version: Self.current, at: Samples.minutes(-30))
    }

    @Test func aRolloutIsAddedAsFedoraCoreOSWritesIt() throws {
        let updates = try rolling()
        #expect(updates.releases.map(\.version) == [Self.previous, Self.current])
        #expect(updates.lastModified == "2026-07-22T13:30:00Z")
        golden(updates, "updates.json")
    }

    @Test func haltingAndResumingRewriteOnlyThatRollout() throws {
        let halted = try rolling().haltingRollout(version: Self.current, at: Samples.minutes(720))
        #expect(halted.entry(Self.current)?.rollout?.startPercentage == 0.25)
        #expect(halted.entry(Self.previous)?.rollout == .complete)
        golden(halted, "updates-halted.json")
        let resumed = try halted.resumingRollout(version: Self.current, at: Samples.minutes(1000))
        #expect(resumed.entry(Self.current)?.rollout?.durationMinutes == 2160)
        golden(resumed, "updates-resumed.json")
    }

    @Test func barriersAndDeadendsGoInVersionOrder() throws {
        let marked = try rolling()
            .marking(.barrier, version: "43.20260413.3.2", reason: "https://docs.fedoraproject.org/en-US/fedora-coreos/update-barrier-signing-keys/",
                     at: Samples.start)
            .marking(.deadend, version: "31.20200517.3.0", reason: "https://github.com/coreos/fedora-coreos-tracker/issues/480", at: Samples.start)
            .marking(.barrier, version: Self.current, reason: "https://example.org/issues/7", at: Samples.start)
        #expect(marked.releases.map(\.version) == ["31.20200517.3.0", "43.20260413.3.2", Self.previous, Self.current])
        #expect(marked.entry(Self.current)?.rollout?.durationMinutes == 2880)
        golden(marked, "updates-marked.json")
    }

    @Test func errorsNameTheReleasesEntry() throws {
        let updates = try rolling()
        #expect(throws: StreamFileError(path: "releases", message: "release 1.0 has no rollout")) {
            try updates.haltingRollout(version: "1.0", at: Samples.start)
        }
        #expect(throws: StreamFileError(path: "releases[0].metadata.rollout", message: "the release is fully rolled out; there is nothing to halt")) {
            try updates.haltingRollout(version: Self.previous, at: Samples.start)
        }
        #expect(throws: StreamFileError(path: "reason", message: #"expected the URL of an issue or page (https://...) that explains the barrier, found "because""#)) {
            try updates.marking(.barrier, version: Self.current, reason: "because", at: Samples.start)
        }
        #expect(throws: StreamFileError.self) {
            try updates.settingRollout(Rollout(start: Samples.start, durationMinutes: 0), version: Self.current, at: Samples.start)
        }
    }
}
