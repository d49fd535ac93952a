import Foundation
import Testing

@testable import KilnCore

/// The rollout throttle as Cincinnati's policy engine computes it, and halting and resuming.
struct StreamRolloutTests {
    typealias Samples = StreamSamples
    let rollout = Rollout(start: StreamSamples.start, durationMinutes: 2880)

    @Test func theThrottleGrowsLinearlyFromTheStartShare() {
        #expect(rollout.throttle(at: Samples.start.addingTimeInterval(-1)) == 0)
        #expect(rollout.throttle(at: Samples.start) == 0)
        #expect(rollout.throttle(at: Samples.minutes(720)) == 0.25)
        #expect(rollout.throttle(at: Samples.minutes(2880)) == 1)
        #expect(rollout.throttle(at: Samples.minutes(5000)) == 1)
        let fromAFifth = Rollout(start: Samples.start, startPercentage: 0.2, durationMinutes: 2880)
        #expect(abs(fromAFifth.throttle(at: Samples.minutes(1440)) - 0.6) < 1e-12)
        #expect(fromAFifth.throttle(at: Samples.minutes(-1)) == 0)
    }

    @Test func withoutADurationTheShareStaysPut() {
        let frozen = Rollout(startEpoch: 1_784_728_800, startPercentage: 0.4)
        #expect(frozen.throttle(at: Samples.minutes(-1)) == 0)
        #expect(frozen.throttle(at: Samples.minutes(100_000)) == 0.4)
        #expect(Rollout().throttle(at: Samples.start) == 0)
        #expect(Rollout.complete.throttle(at: Samples.start) == 1)
        #expect(!frozen.isProgressing && frozen.endEpoch == nil)
    }

    @Test func aZeroDurationCountsAsOneMinuteAsCincinnatiDoes() {
        let zero = Rollout(startEpoch: 1_784_728_800, startPercentage: 0, durationMinutes: 0)
        #expect(zero.throttle(at: Samples.minutes(0.5)) == 0.5)
        #expect(zero.throttle(at: Samples.minutes(2)) == 1)
    }

    @Test func haltingFreezesTheShareReachedAndRemembersWhatWasLeft() throws {
        let halted = try rollout.halted(at: Samples.minutes(720))
        #expect(halted == Rollout(startEpoch: 1_784_728_800 + 43_200, startPercentage: 0.25, durationMinutes: nil, remainingMinutes: 2160))
        #expect(halted.throttle(at: Samples.minutes(2000)) == 0.25)
        #expect(halted.throttle(at: Samples.minutes(100_000)) == 0.25)
        #expect(halted.json.serialized() == #"{"start_epoch":1784772000,"start_percentage":0.25,"kiln.remaining_minutes":2160}"#)
    }

    @Test func resumingCarriesOnAtTheSameRate() throws {
        let resumed = try rollout.halted(at: Samples.minutes(720)).resumed(at: Samples.minutes(1000))
        #expect(resumed == Rollout(startEpoch: 1_784_728_800 + 60_000, startPercentage: 0.25, durationMinutes: 2160))
        #expect(resumed.throttle(at: Samples.minutes(1000 + 1080)) == 0.625)
        #expect(resumed.throttle(at: Samples.minutes(1000 + 2160)) == 1)
        #expect(resumed.json.serialized() == #"{"duration_minutes":2160,"start_epoch":1784788800,"start_percentage":0.25}"#)
        let faster = try rollout.halted(at: Samples.minutes(720)).resumed(at: Samples.minutes(1000), durationMinutes: 60)
        #expect(faster.durationMinutes == 60 && faster.startPercentage == 0.25)
    }

    @Test func haltingBeforeTheStartFreezesAtNothingWithTheWholeScheduleLeft() throws {
        let halted = try rollout.halted(at: Samples.minutes(-60))
        #expect(halted.startPercentage == 0 && halted.remainingMinutes == 2880)
    }

    @Test func whatCannotBeHaltedOrResumedIsRefused() throws {
        let halted = try rollout.halted(at: Samples.minutes(720))
        #expect(throws: StreamFileError(path: "", message: "the rollout is already halted at 25% (it has no duration_minutes)")) {
            try halted.halted(at: Samples.minutes(800))
        }
        #expect(throws: StreamFileError(path: "", message: "the release is fully rolled out; there is nothing to halt")) {
            try Rollout.complete.halted(at: Samples.start)
        }
        #expect(throws: StreamFileError(path: "", message: "the rollout finished at 2026-07-24T14:00:00Z; there is nothing to halt")) {
            try rollout.halted(at: Samples.minutes(2880))
        }
        #expect(throws: StreamFileError(path: "", message: "the rollout is not halted: it progresses over duration_minutes 2880; halt it first")) {
            try rollout.resumed(at: Samples.start)
        }
        #expect(throws: StreamFileError(path: "", message: "no remaining duration is recorded (kiln.remaining_minutes); give the duration in minutes")) {
            try Rollout(startEpoch: 0, startPercentage: 0.5).resumed(at: Samples.start)
        }
        #expect(throws: StreamFileError(path: "", message: "the duration must be at least 1 minute, not 0")) {
            try halted.resumed(at: Samples.minutes(800), durationMinutes: 0)
        }
        #expect(throws: StreamFileError(path: "", message: "cannot resume at 2026-07-22T20:00:00Z, before the rollout was halted at 2026-07-23T02:00:00Z")) {
            try halted.resumed(at: Samples.minutes(360))
        }
    }
}
