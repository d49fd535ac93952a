/// Required tests: which they are, how the candidate's results stand against the baseline's,
/// how often they flake.
///
/// A required test's status on an arch and platform comes from the candidate's newest result
/// there (across its runs): PASS passes, WARN passes with a warning, FLAKE passes on rerun
/// (fails without `rerun-pass-counts`), SKIP is `skipped`, no result is `missing`. A failure
/// (FAIL, TIMEOUT) is compared with the baseline's newest result of the test on the same arch
/// and platform: one that passed there (PASS, FLAKE or WARN) makes it a `regression`; one that
/// failed there too makes it `always-failed`, which blocks only with `always-fail-blocks`; no
/// baseline, or no failing or passing result there, leaves it plainly `failed`.
extension GateEvaluation {
    /// A required test and the rules that require it on an arch and platform.
    struct RequiredTest {
        var name: String
        var arch: String
        var platform: String
        var rules: [RequiredTestRule]
    }

    /// The required tests, by name then arch then platform, resolved over `knownTests` and the
    /// tests the candidate has results for; a rule that names no test at all is `missing`.
    func requiredTests(_ knownTests: [GateTest]) -> (tests: [RequiredTest], unmatched: [RequiredTestRule]) {
        var tags: [String: Set<String>] = [:]
        for test in knownTests { tags[test.name, default: []].formUnion(test.tags) }
        for result in candidateResults.values.joined() { tags[result.test, default: []].formUnion(result.tags) }
        var tests: [RequiredTest] = []
        var used = Array(repeating: false, count: policy.required.count)
        for name in tags.keys.sorted() {
            let testTags = Array(tags[name] ?? [])
            for (index, rule) in policy.required.enumerated() where rule.selects(name: name, tags: testTags) {
                used[index] = true
            }
            for arch in arches {
                for platform in platforms {
                    let rules = policy.required.filter { $0.selects(name: name, tags: testTags) && $0.applies(arch: arch, platform: platform) }
                    if !rules.isEmpty { tests.append(RequiredTest(name: name, arch: arch, platform: platform, rules: rules)) }
                }
            }
        }
        return (tests, policy.required.indices.filter { !used[$0] }.map { policy.required[$0] })
    }

    /// A test-result requirement for each required test, then one per rule that names none.
    func testRequirements(_ required: (tests: [RequiredTest], unmatched: [RequiredTestRule])) -> [GateRequirement] {
        required.tests.map(testRequirement) + required.unmatched.map { rule in
            GateRequirement(kind: .testResult, subject: rule.description, status: .missing, requiredBy: [rule.description],
                            evidence: [.note("no known test matches \(rule)")])
        }
    }

    private func testRequirement(_ test: RequiredTest) -> GateRequirement {
        var requirement = GateRequirement(kind: .testResult, subject: test.name, arch: test.arch, platform: test.platform,
                                          status: .missing, requiredBy: test.rules.map(\.description))
        let mine = (candidateResults[test.arch] ?? []).filter { $0.test == test.name && $0.platform == test.platform }
        guard let result = Self.newest(mine) else {
            requirement.evidence = [.noResult(.candidate, build: build)]
            return waived(requirement)
        }
        requirement.evidence = [.result(.candidate, result)]
        if let status = candidateStatus(result.outcome) {
            requirement.status = status
        } else {
            compareWithBaseline(&requirement, test)
        }
        requirement.isSatisfied = requirement.status == .alwaysFailed ? !policy.alwaysFailBlocks : requirement.status.isSatisfied
        return waived(requirement)
    }

    private func compareWithBaseline(_ requirement: inout GateRequirement, _ test: RequiredTest) {
        requirement.status = .failed
        guard let baseline else {
            requirement.evidence.append(.noBaseline(stream: policy.name))
            return
        }
        let theirs = (baselineResults[test.arch] ?? []).filter { $0.test == test.name && $0.platform == test.platform }
        guard let result = Self.newest(theirs) else {
            requirement.evidence.append(.noResult(.baseline, build: baseline))
            return
        }
        requirement.evidence.append(.result(.baseline, result))
        switch result.outcome {
        case .pass, .flake, .warn: requirement.status = .regression
        case .fail, .timeout: requirement.status = .alwaysFailed
        case .skip: break
        }
    }

    /// A flake-rate requirement for each required test that flaked among its newest `window`
    /// results on its arch and platform (across builds); unsatisfied when the share of flakes
    /// exceeds `max-rate`. Tests that never flaked there get none: there is nothing to report.
    func flakeRateRequirements(_ required: (tests: [RequiredTest], unmatched: [RequiredTestRule]),
                               history: any GateHistory) throws -> [GateRequirement] {
        guard let maxRate = policy.flakes.maxRate else { return [] }
        let window = policy.flakes.window
        var requirements: [GateRequirement] = []
        for test in required.tests {
            let recent = try history.recentResults(test: test.name, arch: test.arch, platform: test.platform,
                                                   limit: window, at: at)
            let flakes = recent.filter { $0.outcome == .flake }
            guard !flakes.isEmpty else { continue }
            let rate = Double(flakes.count) / Double(recent.count)
            let requirement = GateRequirement(
                kind: .flakeRate, subject: test.name, arch: test.arch, platform: test.platform,
                status: rate > maxRate ? .flaky : .passed, requiredBy: test.rules.map(\.description),
                evidence: [.flakeRate(flakes: flakes.count, runs: recent.count, window: window, maxRate: maxRate,
                                      flakeRunIDs: flakes.map(\.runID))])
            requirements.append(waived(requirement))
        }
        return requirements
    }
}
