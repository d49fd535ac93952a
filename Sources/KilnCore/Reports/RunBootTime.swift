extension RunReport {
    /// Seconds of the run during which at least one machine was booting (QEMU start to SSH),
    /// from the tests' timelines and their machines' SSH-ready times: a test's machines start
    /// together when it starts. A machine shared by several tests counts once.
    public var bootSeconds: Double {
        var intervals: [(Double, Double)] = []
        var seen = Set<String>()
        for test in tests {
            guard let start = test.timeline?.startedAt else { continue }
            for machine in test.machines where seen.insert(machine.id).inserted {
                guard let ready = machine.sshReadySeconds else { continue }
                intervals.append((start, min(start + ready, test.timeline?.endedAt ?? .infinity)))
            }
        }
        var total = 0.0
        var end = -Double.infinity
        for (from, to) in intervals.sorted(by: { $0.0 < $1.0 }) {
            let begin = max(from, end)
            if to > begin { total += to - begin }
            end = max(end, to)
        }
        return total
    }

    /// ``bootSeconds`` as a whole percentage of the run's wall time (0 for a run that took no time).
    public var bootPercent: Int {
        durationSeconds > 0 ? Int((bootSeconds / durationSeconds * 100).rounded()) : 0
    }

    /// How many tests were run again because the host under them failed.
    public var infrastructureRetriedCount: Int {
        tests.count { !($0.infrastructureRetries ?? []).isEmpty }
    }
}
