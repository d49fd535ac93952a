import KilnTesting
import Testing

@testable import KilnCore

/// The gate policy file: the sample fixture, defaults, and strict errors with file:line:col and key path.
struct GatePolicyTests {
    func error(_ text: String) -> String? {
        do {
            _ = try GatePolicy(parsing: text, source: "policy.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theSamplePolicyIsRead() throws {
        let policy = try GatePolicy(parsing: try Fixtures.text("gate/policy.yaml"), source: "policy.yaml")
        #expect(policy.arches == ["x86_64"] && policy.platforms == ["qemu"])
        #expect(policy.streams.map(\.name) == ["testing", "stable"])
        let testing = try #require(policy.stream("testing"))
        #expect(testing == StreamGatePolicy(name: "testing", from: ["testing-devel", "none"],
                                            required: [RequiredTestRule(.tests(Glob("basic.*")))]))
        let stable = try #require(policy.stream("stable"))
        #expect(stable.from == ["testing"])
        #expect(stable.soak == GateDuration(seconds: 14 * 86_400))
        #expect(stable.required == [RequiredTestRule(.tests(Glob("basic.*"))),
                                    RequiredTestRule(.tag("upgrade"), arches: ["x86_64"], platforms: ["qemu"])])
        #expect(stable.upgradeFromCurrent && !stable.alwaysFailBlocks)
        #expect(stable.flakes == FlakePolicy(rerunPassCounts: true, maxRate: 0.2, window: 10))
        #expect(policy.stream("next") == nil)
    }

    @Test func defaultsApplyToWhatIsNotWritten() throws {
        let policy = try GatePolicy(parsing: "streams:\n  testing:\n    from: [none]\n", source: "p.yaml")
        #expect(policy == GatePolicy(streams: [StreamGatePolicy(name: "testing", from: ["none"])]))
        #expect(policy.arches == ["x86_64"] && policy.platforms == ["qemu"])
        #expect(policy.streams[0].flakes == FlakePolicy(rerunPassCounts: true, maxRate: nil, window: 10))
    }

    @Test(arguments: [
        ("invalid-unknown-key.yaml",
         #"invalid-unknown-key.yaml:4:5: streams.stable: unknown key "soke" (expected one of: from, soak, required, upgrade-from-current, flakes, always-fail-blocks)"#),
        ("invalid-soak.yaml",
         #"invalid-soak.yaml:4:11: streams.stable.soak: expected a duration such as 14d, 36h or 1d12h (units w, d, h, m, s), found a string "two weeks""#),
        ("invalid-rule-arch.yaml",
         #"invalid-rule-arch.yaml:6:16: streams.stable.required[0].arch[0]: expected one of x86_64, found "aarch64""#),
        ("invalid-max-rate.yaml",
         #"invalid-max-rate.yaml:6:17: streams.stable.flakes.max-rate: expected a rate between 0 and 1 (0.2) or a percentage (20%), found a string "120%""#),
    ])
    func invalidFixturesNameFileLineColumnAndKeyPath(fixture: String, expected: String) throws {
        let text = try Fixtures.text("gate/\(fixture)")
        #expect(throws: GatePolicyError.self) { try GatePolicy(parsing: text, source: fixture) }
        do {
            _ = try GatePolicy(parsing: text, source: fixture)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func theErrorCarriesItsParts() {
        do {
            _ = try GatePolicy(parsing: "streams:\n  stable:\n    from: [testing]\n    soke: 14d\n", source: "p.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.source == "p.yaml" && error.position == SourcePosition(line: 4, column: 5))
            #expect(error.path == "streams.stable" && error.message.hasPrefix(#"unknown key "soke""#))
        }
    }

    @Test func wrongValuesAreErrorsWithTheirPositionAndPath() {
        let stable = "streams:\n  stable:\n    from: [testing]\n"
        #expect(error("") == #"policy.yaml: the policy is empty; it needs "streams", a mapping from target stream to its requirements"#)
        #expect(error("arches: [x86_64]\n") == #"policy.yaml:1:1: missing "streams", a mapping from target stream to its requirements"#)
        #expect(error("- a\n") == #"policy.yaml:1:1: expected a mapping with "streams", "arches" and "platforms", found a list"#)
        #expect(error("stream: {}\n") == #"policy.yaml:1:1: unknown key "stream" (expected one of: streams, arches, platforms)"#)
        #expect(error("streams: {}\n") == #"policy.yaml:1:10: streams: expected a non-empty mapping from target stream to its requirements, found a mapping"#)
        #expect(error("arches: [x86-64]\nstreams: {}\n")
            == #"policy.yaml:1:10: arches[0]: expected one of x86_64, aarch64, ppc64le, s390x, found "x86-64""#)
        #expect(error("platforms: qemu\n" + stable)
            == #"policy.yaml:1:12: platforms: expected a non-empty list of strings, like [qemu], found a string "qemu""#)
        #expect(error("streams:\n  stable:\n    soak: 14d\n") == #"policy.yaml:3:5: streams.stable: missing "from": the streams a build may come from ("none" for a build's first entry)"#)
        #expect(error("streams:\n  stable:\n    from: [stable]\n") == "policy.yaml:3:12: streams.stable.from[0]: a stream cannot be promoted from itself")
        #expect(error("streams:\n  stable:\n    from: [testing, testing]\n") == #"policy.yaml:3:21: streams.stable.from[1]: "testing" is listed twice"#)
        #expect(error(stable + "    soak: 14\n") == #"policy.yaml:4:11: streams.stable.soak: expected a duration such as 14d, 36h or 1d12h (units w, d, h, m, s), found an integer "14""#)
        #expect(error(stable + "    upgrade-from-current: yes\n") == #"policy.yaml:4:27: streams.stable.upgrade-from-current: expected true or false, found a string "yes""#)
        #expect(error(stable + "    required: {tests: a}\n") == #"policy.yaml:4:15: streams.stable.required: expected a list of rules, each with "tests" (a glob) or "tag", found a mapping"#)
        #expect(error(stable + "    required:\n      - arch: [x86_64]\n") == #"policy.yaml:5:9: streams.stable.required[0]: missing "tests" (a glob over test names) or "tag""#)
        #expect(error(stable + "    required:\n      - {tests: a, tag: b}\n") == #"policy.yaml:5:25: streams.stable.required[0].tag: a rule names its tests by "tests" or by "tag", not both"#)
        #expect(error(stable + "    required:\n      - tests: \"basic.[ab\"\n")
            == #"policy.yaml:5:16: streams.stable.required[0].tests: expected a glob over test names, found "basic.[ab" with a "[" at offset 6 that no "]" closes"#)
        #expect(error(stable + "    required:\n      - {tests: a, platform: [libvirt]}\n")
            == #"policy.yaml:5:31: streams.stable.required[0].platform[0]: expected one of qemu, found "libvirt""#)
        #expect(error(stable + "    required:\n      - {tests: a, test: b}\n")
            == #"policy.yaml:5:20: streams.stable.required[0]: unknown key "test" (expected one of: tests, tag, arch, platform)"#)
        #expect(error(stable + "    flakes: {window: 0, max-rate: 0.1}\n") == #"policy.yaml:4:22: streams.stable.flakes.window: expected a whole number of at least 1, found an integer "0""#)
        #expect(error(stable + "    flakes: {window: 5}\n") == #"policy.yaml:4:22: streams.stable.flakes.window: "window" has no effect without "max-rate""#)
        #expect(error(stable + "    flakes: {max-rate: 1e-1}\n") == #"policy.yaml:4:24: streams.stable.flakes.max-rate: expected a rate between 0 and 1 (0.2) or a percentage (20%), found a string "1e-1""#)
        #expect(error(stable + "    flakes: {rerun-pass-count: true}\n")
            == #"policy.yaml:4:14: streams.stable.flakes: unknown key "rerun-pass-count" (expected one of: rerun-pass-counts, max-rate, window)"#)
        let duplicate = error(stable + "    soak: 1d\n    soak: 2d\n")
        #expect(duplicate?.hasPrefix("policy.yaml:") == true && duplicate?.contains(#"duplicate key "soak""#) == true, "\(duplicate ?? "no error")")
    }

    @Test func ratesAndDurationsHaveTheirSpellings() throws {
        func policy(_ flakes: String) throws -> FlakePolicy {
            try GatePolicy(parsing: "streams:\n  s:\n    from: [none]\n    flakes: \(flakes)\n", source: "p.yaml").streams[0].flakes
        }
        #expect(try policy("{max-rate: 0.25}").maxRate == 0.25)
        #expect(try policy("{max-rate: 5%}").maxRate == 0.05)
        #expect(try policy("{max-rate: 0, window: 3, rerun-pass-counts: false}") == FlakePolicy(rerunPassCounts: false, maxRate: 0, window: 3))
        let soak = try GatePolicy(parsing: "streams:\n  s:\n    from: [t]\n    soak: 1w2d12h\n", source: "p.yaml").streams[0].soak
        #expect(soak?.seconds == 9 * 86_400 + 12 * 3_600)
    }
}
