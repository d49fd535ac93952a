/// A run's timeline as the HTML report draws it: one bar per slot of time that tests held
/// machines, on lanes so that bars that overlap in time are on different lanes.
///
/// Tests that held the same machines over the same interval (the tests of a shared machine,
/// whose timelines are all the shared machine's) are one bar. Lanes are assigned greedily:
/// bars in order of their start, each on the first lane free by then, so the number of lanes
/// is the most bars that ran at once.
public struct TimelineLayout: Sendable, Equatable {
    /// One bar: tests that ran over one interval on the same machines.
    public struct Bar: Sendable, Equatable {
        /// The tests, as indices into the report's `tests`, in report order.
        public var tests: [Int]
        /// The most severe outcome of the tests (FAIL, TIMEOUT, WARN, FLAKE, PASS, SKIP).
        public var outcome: TestOutcome
        /// When the first of the tests was queued, started, and when the bar ended, in seconds
        /// since the run started.
        public var queuedAt: Double
        public var startedAt: Double
        public var endedAt: Double
        /// When the last of its machines was ready for SSH; nil when none got there.
        public var bootEndedAt: Double?
        /// When boot milestones (``BootPhase``) of its machines were reached, in order, without
        /// repeats, those after the bar's end left out.
        public var phaseTimes: [Double]
        /// The lane, from 0 at the top.
        public var lane: Int
    }

    /// The bars, in the order of their first test in the report.
    public var bars: [Bar]
    /// How many lanes the bars take: the most that ran at once.
    public var laneCount: Int
    /// The seconds the time axis covers: the run's wall time, or the last bar's end if later.
    public var span: Double
    /// Tests without a timeline (skipped ones), which have no bar.
    public var untimedTests: Int

    /// The layout of `report`'s tests.
    public init(report: RunReport) {
        var groups: [String: Int] = [:]
        var bars: [Bar] = []
        var untimed = 0
        for (index, test) in report.tests.enumerated() {
            guard let timeline = test.timeline else {
                untimed += 1
                continue
            }
            let machines = test.machines.map(\.id).sorted().joined(separator: " ")
            let key = "\(timeline.startedAt) \(timeline.endedAt) " + (machines.isEmpty ? "test \(index)" : machines)
            if let existing = groups[key] {
                bars[existing].tests.append(index)
                bars[existing].outcome = TestOutcome.mostSevere(bars[existing].outcome, test.result)
                bars[existing].queuedAt = min(bars[existing].queuedAt, timeline.queuedAt)
                continue
            }
            groups[key] = bars.count
            bars.append(Self.bar(index: index, test: test, timeline: timeline))
        }
        var laneEnds: [Double] = []
        for position in bars.indices.sorted(by: { (bars[$0].startedAt, bars[$0].endedAt) < (bars[$1].startedAt, bars[$1].endedAt) }) {
            let start = bars[position].startedAt
            if let lane = laneEnds.firstIndex(where: { $0 <= start }) {
                bars[position].lane = lane
                laneEnds[lane] = bars[position].endedAt
            } else {
                bars[position].lane = laneEnds.count
                laneEnds.append(bars[position].endedAt)
            }
        }
        self.bars = bars
        self.laneCount = laneEnds.count
        self.span = max(report.durationSeconds, bars.map(\.endedAt).max() ?? 0)
        self.untimedTests = untimed
    }

    private static func bar(index: Int, test: TestReport, timeline: TestTimeline) -> Bar {
        let start = timeline.startedAt, end = max(timeline.endedAt, timeline.startedAt)
        let ready = test.machines.compactMap(\.sshReadySeconds).max().map { min(start + $0, end) }
        let phases = Set(test.machines.flatMap(\.bootPhases).map { start + $0.seconds }.filter { $0 <= end })
        return Bar(tests: [index], outcome: test.result, queuedAt: min(timeline.queuedAt, start), startedAt: start,
                   endedAt: end, bootEndedAt: ready, phaseTimes: phases.sorted(), lane: 0)
    }
}

extension TestOutcome {
    /// How bad an outcome is, 0 the worst: FAIL, TIMEOUT, WARN, FLAKE, PASS, SKIP.
    var severity: Int {
        switch self {
        case .fail: 0
        case .timeout: 1
        case .warn: 2
        case .flake: 3
        case .pass: 4
        case .skip: 5
        }
    }

    /// The more severe of two outcomes.
    static func mostSevere(_ first: TestOutcome, _ second: TestOutcome) -> TestOutcome {
        second.severity < first.severity ? second : first
    }
}
