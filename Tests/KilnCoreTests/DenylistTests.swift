import KilnTesting
import Testing

@testable import KilnCore

/// The denylist (kola's `kola-denylist.yaml`): reading it strictly, and what it does to a test.
struct DenylistTests {
    static func date(_ text: String) -> DenylistDate { DenylistDate(text)! }  // swiftlint:disable:this force_unwrapping

    func fixture() throws -> Denylist {
        try Denylist(parsing: try Fixtures.text("denylist/kola-denylist.yaml"), source: "kola-denylist.yaml")
    }

    func parse(_ text: String) throws(DenylistError) -> Denylist {
        try Denylist(parsing: text, source: "deny.yaml")
    }

    /// The error `text` gives, as printed.
    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aRealisticDenylistIsRead() throws {
        let denylist = try fixture()
        #expect(denylist.entries.map(\.pattern.pattern) == [
            "fcos.internet", "coreos.boot-mirror*", "kdump.crash.nfs", "multipath.partition",
            "ext.config.shared.networking.*", "skip-console-warnings",
        ])
        #expect(denylist.entries[0] == DenylistEntry(
            pattern: "fcos.internet", tracker: "https://github.com/coreos/coreos-assembler/pull/1478",
            position: SourcePosition(line: 4, column: 3)))
        #expect(denylist.entries[1].warn && denylist.entries[1].arches == ["ppc64le"])
        #expect(denylist.entries[2].streams == ["rawhide", "next-devel", "next"])
        #expect(denylist.entries[3].snooze == Self.date("2025-01-06") && denylist.entries[3].streams == ["rawhide"])
        #expect(denylist.entries[4].platforms == ["openstack", "aws"])
        #expect(denylist.hasStreamScopedEntries)
    }

    @Test func entriesWithoutSnoozeSkipOrWarnWithinTheirScope() throws {
        let denylist = try fixture()
        let today = Self.date("2025-01-01")
        func action(_ test: String, stream: String? = "stable", arch: String = "x86_64", platform: String = "qemu")
            -> DenylistMatch.Action? {
            denylist.match(test: test, stream: stream, arch: arch, platform: platform, today: today)?.action
        }
        let internet = denylist.match(test: "fcos.internet", stream: "stable", arch: "x86_64", platform: "qemu", today: today)
        #expect(internet?.action == .skip)
        #expect(internet?.tracker == "https://github.com/coreos/coreos-assembler/pull/1478")
        #expect(internet?.snoozedUntil == nil)
        #expect(action("fcos.internet.more") == nil)
        #expect(action("coreos.boot-mirror.luks", arch: "ppc64le") == .warn)
        #expect(action("coreos.boot-mirror.luks") == nil)
        #expect(action("kdump.crash.nfs", stream: "next") == .skip)
        #expect(action("kdump.crash.nfs", stream: "stable") == nil)
        // As in kola, stream-scoped entries do not apply when the stream is unknown.
        #expect(action("kdump.crash.nfs", stream: nil) == nil)
        #expect(action("basic.ssh") == nil)
    }

    @Test func aSnoozeSkipsUntilItsDayAndThenExpires() throws {
        let denylist = try fixture()
        func match(_ test: String, _ day: String, platform: String = "qemu") -> DenylistMatch? {
            denylist.match(test: test, stream: "rawhide", arch: "x86_64", platform: platform, today: Self.date(day))
        }
        #expect(match("multipath.partition", "2025-01-05")?.action == .skip)
        #expect(match("multipath.partition", "2025-01-05")?.snoozedUntil == Self.date("2025-01-06"))
        // On the day itself the snooze is over (kola: now is after midnight UTC of that day).
        #expect(match("multipath.partition", "2025-01-06") == nil)
        // An expired snooze with warn: the test runs, as a warning.
        #expect(match("ext.config.shared.networking.bond", "2025-02-28", platform: "aws")?.action == .skip)
        #expect(match("ext.config.shared.networking.bond", "2025-03-01", platform: "aws")?.action == .warn)
        #expect(match("ext.config.shared.networking.bond", "2025-02-28") == nil)

        #expect(denylist.expiredEntries(today: Self.date("2025-01-05")).isEmpty)
        #expect(denylist.expiredEntries(today: Self.date("2025-02-01")).map(\.pattern.pattern) == ["multipath.partition"])
        #expect(denylist.expiredEntries(today: Self.date("2026-01-01")).count == 2)
    }

    @Test func skipConsoleWarningsIsARunWideSwitchNotATest() throws {
        let denylist = try fixture()
        #expect(denylist.skipsConsoleWarnings(stream: "stable", arch: "s390x", platform: "qemu"))
        #expect(!denylist.skipsConsoleWarnings(stream: "stable", arch: "x86_64", platform: "qemu"))
        #expect(denylist.match(test: "skip-console-warnings", stream: nil, arch: "s390x", platform: "qemu",
                               today: Self.date("2025-01-01")) == nil)
        #expect(error("""
            - pattern: skip-console-warnings
              tracker: https://example.com/1
              warn: true
            """) == #"deny.yaml:1:3: "snooze" and "warn" have no effect on "skip-console-warnings""#)
    }

    @Test func aSkipWinsOverAWarningWhicheverComesFirst() throws {
        let denylist = try parse("""
            - pattern: basic.*
              tracker: https://example.com/warn
              warn: true
            - pattern: basic.ssh
              tracker: https://example.com/skip
            """)
        let match = denylist.match(test: "basic.ssh", stream: nil, arch: "x86_64", platform: "qemu", today: Self.date("2025-01-01"))
        #expect(match?.action == .skip && match?.tracker == "https://example.com/skip")
        #expect(denylist.match(test: "basic.tls", stream: nil, arch: "x86_64", platform: "qemu",
                               today: Self.date("2025-01-01"))?.tracker == "https://example.com/warn")
    }

    @Test(arguments: [
        ("invalid-unknown-key.yaml", #"invalid-unknown-key.yaml:3:3: unknown key "arch" in a denylist entry (known: pattern, tracker, streams, arches, platforms, snooze, warn)"#),
        ("invalid-osversion.yaml", #"invalid-osversion.yaml:4:3: "osversion" is no longer supported (kola removed it in 2026: it skipped tests on every version); limit the entry with "streams" instead"#),
        ("invalid-streams-type.yaml", #"invalid-streams-type.yaml:5:12: "streams" must be a list of strings, found a string"#),
        ("invalid-snooze-date.yaml", #"invalid-snooze-date.yaml:3:11: "snooze" must be a date YYYY-MM-DD, found "2025-02-30""#),
        ("invalid-not-a-list.yaml", "invalid-not-a-list.yaml:1:1: a denylist must be a list of entries, found a mapping"),
    ])
    func invalidFixturesNameFileLineAndColumn(fixture: String, expected: String) throws {
        let text = try Fixtures.text("denylist/\(fixture)")
        #expect(throws: DenylistError.self) { try Denylist(parsing: text, source: fixture) }
        do {
            _ = try Denylist(parsing: text, source: fixture)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func wrongValuesAreErrorsWithTheirPosition() {
        #expect(error("- tracker: https://example.com/1\n") == #"deny.yaml:1:3: a denylist entry needs a "pattern" (a glob on test names)"#)
        #expect(error("- pattern: a.b\n") == #"deny.yaml:1:3: a denylist entry needs a "tracker": the http(s) URL of the issue that tracks the failure"#)
        #expect(error("- pattern: a.b\n  tracker: issue 12\n") == #"deny.yaml:2:12: a denylist entry needs a "tracker": the http(s) URL of the issue that tracks the failure"#)
        #expect(error("- pattern: a.[bc\n  tracker: https://x.org/1\n") == #"deny.yaml:1:12: "pattern" "a.[bc" has a "[" at offset 2 without a closing "]""#)
        #expect(error("- pattern: a\n  tracker: https://x.org/1\n  warn: \"true\"\n") == #"deny.yaml:3:9: "warn" must be true or false, found a string"#)
        #expect(error("- pattern: a\n  tracker: https://x.org/1\n  warn: 1\n") == #"deny.yaml:3:9: "warn" must be true or false, found an integer"#)
        #expect(error("- pattern: a\n  tracker: https://x.org/1\n  arches: [[x86_64]]\n") == #"deny.yaml:3:12: "arches" must be a list of strings, found an item that is a list"#)
        #expect(error("- pattern: [a]\n  tracker: https://x.org/1\n") == #"deny.yaml:1:12: "pattern" must be a string, found a list"#)
        #expect(error("- just a string\n") == "deny.yaml:1:3: a denylist entry must be a mapping (pattern, tracker, ...), found a string")
        let duplicate = error("- pattern: a\n  pattern: b\n  tracker: https://x.org/1\n")
        #expect(duplicate?.hasPrefix("deny.yaml:1:3: ") == true && duplicate?.contains(#"duplicate key "pattern""#) == true,
                "\(duplicate ?? "no error")")
        #expect(error("- pattern: a\n tracker: [\n")?.hasPrefix("deny.yaml:") == true)
    }

    @Test func kolasSpellingsAreAccepted() throws {
        #expect(try parse("").entries.isEmpty)
        #expect(try parse("# nothing denied\n").entries.isEmpty)
        #expect(try parse("[]").entries.isEmpty)
        // YAML 1.1 booleans, as kola's decoder reads them; null lists and dates as strings.
        let denylist = try parse("""
            - pattern: a.*
              tracker: http://example.com/1
              warn: yes
              snooze: "2024-02-29"
              streams:
              arches: ~
            - pattern: 42
              tracker: https://example.com/2
              warn: off
            """)
        #expect(denylist.entries[0].warn && denylist.entries[0].snooze == Self.date("2024-02-29"))
        #expect(denylist.entries[0].streams.isEmpty && denylist.entries[0].arches.isEmpty)
        #expect(denylist.entries[1].pattern.pattern == "42" && !denylist.entries[1].warn)
    }

    @Test func datesAreReadAsGoReadsYYYYMMDD() {
        #expect(DenylistDate("2024-02-29") == DenylistDate(year: 2024, month: 2, day: 29))
        for bad in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-2-01", "24-02-01", "2024-02-01T00:00", "+024-02-01", ""] {
            #expect(DenylistDate(bad) == nil, "\(bad)")
        }
        #expect(Self.date("2024-12-31") < Self.date("2025-01-01"))
        #expect(DenylistDate(year: 999, month: 1, day: 2)?.description == "0999-01-02")
    }
}
