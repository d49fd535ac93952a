import KilnCore
import Testing

/// Bars and lanes of the HTML report's timeline, and the boot time the summary gives.
struct TimelineLayoutTests {
    static func test(_ name: String, _ result: TestOutcome = .pass, from start: Double, to end: Double, queued: Double? = nil,
                     machines: [MachineReport]? = nil) -> TestReport {
        TestReport(name: name, result: result, duration: .seconds(end - start), error: nil, output: "",
                   machines: machines ?? [MachineReport(id: "\(name)-m0", directory: "\(name)/m0", sshReadySeconds: 10,
                                                        bootPhases: [BootPhase(name: "kernel", seconds: 2)])],
                   timeline: TestTimeline(queuedAt: queued ?? start, startedAt: start, endedAt: end, memoryMiB: 1024, cpus: 1))
    }

    static func run(_ tests: [TestReport], duration: Double = 100) -> RunReport {
        RunReport(platform: "qemu", version: "0", build: BuildReference(id: "b", name: "n", architecture: "x86_64", imageSHA256: "0"),
                  accelerator: "tcg", startedAt: "2025-01-01T00:00:00Z", durationSeconds: duration, tests: tests)
    }

    @Test func overlappingTestsGoOnDifferentLanesAndFollowersReuseThem() {
        let layout = TimelineLayout(report: Self.run([
            Self.test("a", from: 0, to: 30), Self.test("b", from: 5, to: 20), Self.test("c", from: 20, to: 50),
            Self.test("d", from: 31, to: 40), Self.test("e", from: 35, to: 60),
        ]))
        #expect(layout.bars.map(\.lane) == [0, 1, 1, 0, 2])
        #expect(layout.laneCount == 3)
        #expect(layout.span == 100)
    }

    @Test func testsOfASharedMachineAreOneBarColouredByTheWorst() {
        let shared = [MachineReport(id: "kiln.bucket-0-m0", directory: "kiln.bucket-0/m0", sshReadySeconds: 30, bootPhases: [])]
        let layout = TimelineLayout(report: Self.run([
            Self.test("kiln.bucket-0", from: 0, to: 80, machines: shared),
            Self.test("basic.ssh", .flake, from: 0, to: 80, machines: shared),
            Self.test("basic.sudo", .warn, from: 0, to: 80, machines: shared),
            Self.test("ignition.reboot", from: 0, to: 90, queued: 0),
            Self.test("late", .fail, from: 80, to: 120, queued: 10),
            TestReport(name: "skipped", result: .skip, duration: .zero, error: nil, output: "", machines: []),
        ]))
        #expect(layout.bars.map(\.tests) == [[0, 1, 2], [3], [4]])
        #expect(layout.bars.map(\.outcome) == [.warn, .pass, .fail])
        #expect(layout.bars.map(\.lane) == [0, 1, 0])
        #expect(layout.bars[0].bootEndedAt == 30)
        #expect(layout.bars[1].phaseTimes == [2])
        #expect(layout.bars[2].queuedAt == 10)
        #expect(layout.span == 120)  // past the run's 100 s
        #expect(layout.untimedTests == 1)
    }

    @Test func bootTimeCountsOverlapsAndSharedMachinesOnce() {
        let shared = [MachineReport(id: "shared-m0", directory: "shared/m0", sshReadySeconds: 30, bootPhases: [])]
        let run = Self.run([
            Self.test("one", from: 0, to: 80, machines: shared), Self.test("two", from: 0, to: 80, machines: shared),
            Self.test("three", from: 20, to: 60),  // boots 20-30, inside the shared machine's 0-30
            Self.test("four", from: 50, to: 55),  // boots 50-55: its end cuts the boot short
        ], duration: 140)
        #expect(run.bootSeconds == 35)
        #expect(run.bootPercent == 25)
    }
}
