import Foundation
import KilnCore
import KilnTesting
import Testing

/// The TAP report against its golden file and against Perl's `TAP::Parser`, which `prove` uses.
struct TAPReportTests {
    /// What `TAP::Parser` made of a document.
    struct Parsed: Decodable {
        struct Line: Decodable {
            var ok: Bool
            var number: Int
            var description: String
            var directive: String
            var explanation: String
        }
        struct Diagnostic: Decodable {
            struct Finding: Decodable, Equatable {
                var check, source, machine, line, text: String
            }
            var message, severity, duration_ms, attempts: String
            var tracker: String?
            var findings: [Finding]
            var tails: [String: String]?
        }
        var good_plan: Bool
        var parse_errors: [String]
        var version, passed, failed, skipped, todo, todo_passed: Int
        var tests: [Line]
        var yaml: [Diagnostic]
    }

    static let perl = """
        use strict; use warnings; use TAP::Parser; use JSON::PP;
        open(my $fh, "<:encoding(UTF-8)", $ARGV[0]) or die "$ARGV[0]: $!";
        my $tap = do { local $/; <$fh> };
        my $parser = TAP::Parser->new({ tap => $tap });
        my (@tests, @yaml);
        while (my $r = $parser->next) {
            push @tests, { ok => $r->is_ok ? JSON::PP::true : JSON::PP::false, number => $r->number + 0,
                           description => $r->description, directive => $r->directive,
                           explanation => $r->explanation } if $r->is_test;
            push @yaml, $r->data if $r->is_yaml;
        }
        print JSON::PP->new->utf8->canonical->encode({
            good_plan => $parser->is_good_plan ? JSON::PP::true : JSON::PP::false,
            parse_errors => [$parser->parse_errors], version => $parser->version + 0,
            passed => scalar($parser->passed), failed => scalar($parser->failed),
            skipped => scalar($parser->skipped), todo => scalar($parser->todo),
            todo_passed => scalar($parser->todo_passed), tests => \\@tests, yaml => \\@yaml });
        """

    static func parse(_ tap: String) throws -> Parsed {
        let run = try HostTool.run("/usr/bin/perl", ["-e", perl], document: tap)
        guard run.status == 0 else {
            throw TestFailure("TAP::Parser failed (\(run.status)): \(run.errors)\n\(tap)")
        }
        return try JSONDecoder().decode(Parsed.self, from: Data(run.output.utf8))
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Text as it should come back from a diagnostic: trailing line feeds aside (a literal block
    /// ends in exactly one), the same.
    static func comparable(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while scalars.last == "\n" { scalars.removeLast() }
        return String(scalars)
    }

    @Test func theGoldenFileMatches() {
        #expect(Fixtures.compareGolden(ReportSamples.run.tap(tails: ReportSamples.tapTails), "reports/report.tap") == nil)
    }

    @Test func tapParserReadsEveryOutcome() throws {
        let parsed = try Self.parse(ReportSamples.run.tap(tails: ReportSamples.tapTails))
        #expect(parsed.good_plan)
        #expect(parsed.parse_errors.isEmpty)
        #expect(parsed.version == 13)
        #expect(parsed.tests.map(\.number) == Array(1...6))
        #expect(parsed.tests.map(\.description) == ReportSamples.run.tests.map { "- \($0.name)" })
        // PASS, SKIP, FLAKE and WARN (a TODO) pass; FAIL and TIMEOUT fail.
        #expect(parsed.tests.map(\.ok) == [true, false, false, true, true, true])
        #expect(parsed.passed == 4 && parsed.failed == 2 && parsed.skipped == 1 && parsed.todo == 1)
        #expect(parsed.todo_passed == 0)
        #expect(parsed.tests[3].directive == "SKIP")
        #expect(parsed.tests[3].explanation
                == "denylisted until 2025-03-01 https://github.com/coreos/fedora-coreos-tracker/issues/1234")
        #expect(parsed.tests[5].directive == "TODO")
        #expect(parsed.tests[5].explanation == "known failure https://github.com/containers/podman/issues/5678")

        // Diagnostics for FAIL, TIMEOUT, FLAKE and WARN, in that order.
        #expect(parsed.yaml.map(\.severity) == ["fail", "timeout", "flake", "warn"])
        let fail = try #require(parsed.yaml.first)
        #expect(Self.comparable(fail.message) == ReportSamples.fail.error)
        #expect(fail.duration_ms == "61002" && fail.attempts == "1")
        #expect(fail.findings == ReportSamples.fail.findings.map {
            .init(check: $0.check, source: $0.source, machine: $0.machine, line: String($0.line), text: $0.text)
        })
        let tails = try #require(fail.tails)
        #expect(tails.keys.sorted() == ["ext.config.kernel-panic-m0 console", "ext.config.kernel-panic-m0 journal"])
        for (label, text) in tails {
            #expect(Self.comparable(text) == Self.comparable(ReportSamples.tapTails[label] ?? ""), "\(label)")
        }
        #expect(parsed.yaml[1].message == ReportSamples.timeout.error && parsed.yaml[1].tails == nil)
        #expect(parsed.yaml[2].attempts == "2")
        #expect(parsed.yaml[2].message.hasPrefix("failed on its first attempt, passed on attempt 2"))
        #expect(parsed.yaml[2].tails?.keys.sorted() == ["ext.network.dhcp-m0 console"])
        #expect(parsed.yaml[3].tracker == ReportSamples.warn.tracker)
    }

    @Test func namesWithHashesAndBackslashesStayNames() throws {
        let names = ["weird # SKIP not really", "back\\slash # TODO no", "line\nbreak\u{1B}[0m"]
        let report = RunReport(
            platform: "qemu", version: "0", build: ReportSamples.run.build, accelerator: "tcg", startedAt: "",
            durationSeconds: 0, tests: names.map {
                TestReport(name: $0, result: .pass, duration: .zero, error: nil, output: "", machines: [])
            })
        let parsed = try Self.parse(report.tap())
        #expect(parsed.good_plan && parsed.parse_errors.isEmpty)
        #expect(parsed.passed == 3 && parsed.skipped == 0 && parsed.todo == 0)
        #expect(parsed.tests.map(\.directive) == ["", "", ""])
        #expect(parsed.tests.map(\.description)
                == ["- weird \\# SKIP not really", "- back\\\\slash \\# TODO no", "- line break\u{241B}[0m"])
    }

    /// Texts made of pieces that trouble YAML, TAP or both come back from `TAP::Parser` unchanged,
    /// as messages, finding texts and tails.
    @Test func anyTextSurvivesTheDiagnosticBlock() throws {
        let pieces = [
            "plain", "key: value", "- item", "---", "...", "  ...", "# hash", " #", "\"quoted\"", "'single'",
            "back\\slash", "\\n", "\\x41", "\t", "\ttab", "\u{1B}[0;31m", "\u{0}", "\u{7}", "\u{7F}", "\u{85}",
            "\r\n", "\r", "\n", "\n\n", "   ", " ", "é ünï 漢字 🚀", "|", ">", "~", "[]", "{}", "&a *b", "%YAML",
            "@at `tick`", "!tag", ": ", "1..3", "ok 1", "not ok 2 # TODO", "\u{A0}", "\u{FFFD}",
        ]
        var random = SplitMix64(seed: 20_250_101)
        func text() -> String {
            (0..<Int.random(in: 1...9, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
        }
        let tests = (0..<300).map { index in
            let id = "fuzz.\(index)-m0"
            return TestReport(
                name: "fuzz.\(index)", result: index % 2 == 0 ? .fail : .warn, duration: .zero, error: text(),
                output: "", machines: [MachineReport(id: id, directory: id, sshReadySeconds: nil, bootPhases: [])],
                findings: [ConsoleFinding(check: text(), description: "", source: "console", machine: text(), line: index,
                                          text: text())])
        }
        let tails = Dictionary(uniqueKeysWithValues: tests.map { ("\($0.name)-m0 \(text())", text()) })
        let report = RunReport(platform: "qemu", version: "0", build: ReportSamples.run.build, accelerator: "tcg",
                               startedAt: "", durationSeconds: 0, tests: tests)
        let tap = report.tap(tails: tails)
        if ProcessInfo.processInfo.environment["KILN_KEEP_FUZZ_TAP"] == "1" {  // for a look at a failure
            try tap.write(toFile: "/tmp/kiln-fuzz.tap", atomically: true, encoding: .utf8)
        }
        let parsed = try Self.parse(tap)
        #expect(parsed.good_plan && parsed.parse_errors.isEmpty, "\(parsed.parse_errors.prefix(3))")
        #expect(parsed.failed == 150 && parsed.todo == 150)
        try #require(parsed.yaml.count == tests.count)
        for (test, diagnostic) in zip(tests, parsed.yaml) {
            #expect(Self.comparable(diagnostic.message) == Self.comparable(test.error ?? ""), "\(test.name)")
            let finding = try #require(diagnostic.findings.first)
            for (got, sent) in [(finding.check, test.findings[0].check), (finding.machine, test.findings[0].machine),
                                 (finding.text, test.findings[0].text)] {
                #expect(Self.comparable(got) == Self.comparable(sent), "\(test.name)")
            }
            let mine = tails.filter { $0.key.hasPrefix("\(test.name)-m0 ") }
            #expect(diagnostic.tails?.count == 1)
            for (label, text) in diagnostic.tails ?? [:] {
                #expect(Self.comparable(text) == Self.comparable(mine[label] ?? "<missing \(label)>"), "\(test.name)")
            }
        }
    }
}

/// A small seeded generator, so the text the fuzz test builds is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
