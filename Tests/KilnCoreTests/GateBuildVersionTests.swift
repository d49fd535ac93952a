import Testing

@testable import KilnCore

/// Build versions (for waiver ranges) and the policy's durations.
struct GateBuildVersionTests {
    @Test func versionsCompareNumericallyComponentByComponent() {
        let ordered = ["31.20191018.dev.2", "43.20260413.3.2", "44.20260607.2.0", "44.20260607.2.1", "44.20260607.2.10",
                       "44.20260607.3.0", "44.20260607.20.0", "44.20260607.dev.1", "44.20260607.dev.2", "100.1.1.1"]
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            #expect(BuildVersion(a) < BuildVersion(b), "\(a) < \(b)")
            #expect(!(BuildVersion(b) < BuildVersion(a)), "not \(b) < \(a)")
        }
        #expect(ordered.shuffled().sorted(by: BuildVersion.precedes) == ordered)
    }

    @Test func equalVersionsMayBeWrittenDifferently() {
        #expect(BuildVersion("44.020.3") == BuildVersion("44.20.3"))
        #expect(BuildVersion("44.0.3") == BuildVersion("44.00.3"))
        #expect(BuildVersion("44.20.3") != BuildVersion("44.20.3.0"))
        #expect(BuildVersion("44.20") < BuildVersion("44.20.0"))
        #expect(BuildVersion("44.dev") > BuildVersion("44.999999999999999999999999"))
        #expect(BuildVersion("44.100000000000000000000") > BuildVersion("44.99999999999999999999"))
        #expect(BuildVersion("a.b").description == "a.b")
        #expect(BuildVersion("dev") < BuildVersion("rc") && BuildVersion("0") < BuildVersion(""))
    }

    @Test func durationsAreReadAndWritten() {
        #expect(GateDuration("14d")?.seconds == 14 * 86_400)
        #expect(GateDuration("2w")?.seconds == 14 * 86_400)
        #expect(GateDuration("36h")?.seconds == 36 * 3_600)
        #expect(GateDuration("1d12h30m15s")?.seconds == 86_400 + 12 * 3_600 + 30 * 60 + 15)
        for bad in ["", "14", "d", "14 d", "-1d", "1h1d", "1d1d", "1.5d", "14days", "1y", "9999999999d"] {
            #expect(GateDuration(bad) == nil, "\(bad)")
        }
        #expect(GateDuration(seconds: 14 * 86_400).description == "14d")
        #expect(GateDuration(seconds: 9 * 86_400 + 5 * 3_600 + 7).description == "9d5h7s")
        #expect(GateDuration(seconds: 0).description == "0s")
        #expect(GateDuration(interval: -3).seconds == 0 && GateDuration(interval: 59.9).seconds == 59)
    }
}
