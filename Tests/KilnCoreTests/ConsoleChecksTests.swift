import KilnTesting
import Testing

@testable import KilnCore

/// kola's console and journal checks: each check against a line it must find and a near miss
/// it must not, the real consoles of the reference guest, line numbers and suppression.
struct ConsoleChecksTests {
    /// For each check: a line kola's expression matches, and one it does not.
    static let examples: [(check: String, bad: String, nearMiss: String)] = [
        ("emergency-shell", "         Starting Emergency Shell...",
         "[  OK  ] Started emergency.service - Emergency Shell."),
        ("emergency-shell", "You are in emergency mode. After logging in, type \"journalctl -xb\" to view system logs,",
         "[  OK  ] Reached target emergency.target - Emergency Mode."),
        ("emergency-shell", "Press Enter for emergency shell or wait 5 minutes for reboot.",
         "Press Enter for maintenance"),
        ("dracut-fatal", "[  186.214160] dracut: Refusing to continue",
         "[    9.200818] systemd[1]: Starting dracut-cmdline.service - dracut cmdline hook..."),
        ("kernel-panic", "[    3.217764] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
         "[    0.000000] Command line: root=PARTLABEL=root-a rw rd.emergency=poweroff panic=10 ignition.firstboot"),
        ("kernel-oops", "[   42.118911] Oops: general protection fault, probably for non-canonical address 0xdead000000000100",
         "[   42.118911] kiln-guest: Oops! nothing to see"),
        ("kernel-warning", "[   10.402151] WARNING: CPU: 1 PID: 412 at kernel/workqueue.c:3066 __flush_work+0x2f4/0x310",
         "[   10.402177] WARNING: CPU: 1 PID: 412 Comm: kworker/1:2 Not tainted 6.1.0-18-amd64 #1"),
        ("disk-offline", "[ 4230.501441] sd 2:0:0:0: rejecting I/O to offline device",
         "[ 4230.501441] sd 2:0:0:0: rejecting I/O to dead device"),
        ("ext4-delalloc-failure",
         "[  612.300000] EXT4-fs (vda4): Delayed block allocation failed for inode 131090 at logical offset 0 with max blocks 2 with error 28",
         "[  612.300000] EXT4-fs (vda4): Delayed block allocation failed for inode 131090 at logical offset 0 with max blocks 2"),
        ("grub-memory-corruption", "alloc magic is broken at 0x7ffb7f80: 0", "the magic is broken"),
        ("grub-memory-corruption", "free magic broken at 0x3fd2a260: 0x2d2d2d2d", "free magic is fine"),
        ("ignition-fetch-canceled", "[    5.118000] ignition[723]: failed to fetch config: context canceled",
         "[    5.118000] ignition[723]: failed to fetch config: resource not found"),
        ("initrd-cleanup-killed",
         "[    9.912000] systemd[1]: initrd-cleanup.service: Main process exited, code=killed, status=15/TERM",
         "[    9.912000] systemd[1]: initrd-cleanup.service: Deactivated successfully."),
        ("go-panic", "Apr 02 10:12:01 qemu0 zincati[1234]: panic: runtime error: invalid memory address or nil pointer dereference",
         "Apr 02 10:12:01 qemu0 kernel: Kernel command line: console=ttyS0 panic=10"),
        ("segfault", "Apr 02 10:12:01 qemu0 systemd[1]: foo.service: Main process exited, code=dumped, status=11/SEGV",
         "[    8.100000] foo[123]: segfault at 0 ip 0000558104f0 sp 00007ffd1c08 error 4 in foo[558104f0+1000]"),
        ("segfault", "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a5b6c]",
         "Apr 02 10:12:01 qemu0 systemd[1]: foo.service: Main process exited, code=killed, status=6/ABRT"),
        ("core-dump", "Apr 02 10:12:01 qemu0 bash[812]: Segmentation fault (core dumped)",
         "Apr 02 10:12:01 qemu0 systemd[1]: Listening on systemd-coredump.socket - Process Core Dump Socket."),
        ("core-dump", "Apr 02 10:12:01 qemu0 kernel: Core dump to |/usr/lib/systemd/systemd-coredump pipe failed",
         "Apr 02 10:12:01 qemu0 systemd-coredump[845]: Process 812 (foo) of user 0 dumped core."),
        ("ordering-cycle", "[ SKIP ] Ordering cycle found, skipping local-fs-pre.target",
         "Apr 02 10:12:01 qemu0 systemd[1]: local-fs.target: Found ordering cycle on foo.mount/start"),
        ("oom-killer", "[  301.200000] stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0",
         "[  301.300000] Out of memory: Killed process 1234 (stress-ng) total-vm:123456kB"),
        ("generator-failure",
         "Apr 02 10:12:01 qemu0 systemd[1]: /usr/lib/systemd/system-generators/coreos-boot-mount-generator failed with exit status 1.",
         "Apr 02 10:12:01 qemu0 (sd-exec-strv)[412]: /usr/lib/systemd/system-generators/zram-generator succeeded."),
    ]

    func checks(in text: String) -> [String] {
        ConsoleChecks.scan(text, source: "console", machine: "m").map(\.check)
    }

    @Test func theTableIsKolasSeventeenChecks() {
        #expect(ConsoleChecks.all.count == 17)
        #expect(Set(ConsoleChecks.names).count == 17)
        #expect(ConsoleChecks.names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
        #expect(ConsoleChecks.all.compactMap(\.kolaFlag) == ["NoEmergencyShellCheck", "NoDracutFatalCheck"])
        // Every check but the bonding one (which needs ten messages) has a good and a near-miss example.
        #expect(Set(Self.examples.map(\.check)) == Set(ConsoleChecks.names).subtracting(["bonding-link-flood"]))
    }

    @Test(arguments: examples)
    func eachCheckFindsItsLineAndNotTheNearMiss(check: String, bad: String, nearMiss: String) {
        #expect(checks(in: bad) == [check])
        #expect(checks(in: nearMiss).isEmpty)
    }

    /// kola's own expression, run as a Swift regex, agrees with the table's matcher on every example.
    @Test(arguments: examples)
    func theMatcherAgreesWithKolasExpression(check: String, bad: String, nearMiss: String) throws {
        let pattern = try #require(ConsoleChecks.check(named: check)).kolaPattern
        let regex = try Regex(pattern).asciiOnlyDigits().matchingSemantics(.unicodeScalar)
        #expect(bad.contains(regex))
        #expect(!nearMiss.contains(regex))
    }

    @Test(arguments: ["reference-first-boot.txt", "reference-ignition-files-failed.txt",
                      "reference-ignition-invalid-config.txt"])
    func theReferenceGuestsConsolesHaveNoFindings(fixture: String) throws {
        // The failed boots end in systemd's "Started emergency.service - Emergency Shell.", which
        // kola's emergency-shell expression does not match: the boot failure is found elsewhere.
        let text = try Fixtures.text("console/\(fixture)")
        #expect(ConsoleChecks.scan(text, source: "console", machine: "m").isEmpty)
    }

    @Test func aLongLogIsScannedInOnePass() throws {
        // About 16,000 lines, the size of a long journal.
        let text = String(repeating: try Fixtures.text("console/reference-first-boot.txt"), count: 20)
        #expect(ConsoleChecks.scan(text + "Oops: late\n", source: "journal", machine: "m").map(\.line) == [16_141])
    }

    @Test func aPanicInARealConsoleIsFoundOnItsLine() throws {
        var lines = try Fixtures.text("console/reference-first-boot.txt")
            .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        lines.insert("[   21.500000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100\r", at: 600)
        let findings = ConsoleChecks.scan(lines.joined(separator: "\r\n"), source: "console", machine: "qemu0")
        #expect(findings == [ConsoleFinding(
            check: "kernel-panic", description: "kernel panic", source: "console", machine: "qemu0", line: 601,
            text: "[   21.500000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100")])
    }

    @Test func lineNumbersCountEveryKindOfLineEnd() {
        let text = "first\nsecond\r\nKernel panic - not syncing: x\r\r\n\npanic: boom (core dumped)"
        let findings = ConsoleChecks.scan(text, source: "journal", machine: "m2")
        #expect(findings.map(\.line) == [3, 5, 5])
        // Within a line, checks come in table order.
        #expect(findings.map(\.check) == ["kernel-panic", "go-panic", "core-dump"])
        #expect(findings.allSatisfy { $0.source == "journal" && $0.machine == "m2" && !$0.warningOnly })
        #expect(findings[0].text == "Kernel panic - not syncing: x")
    }

    @Test func findingsCarryTheLineWithoutEscapeSequences() {
        let findings = ConsoleChecks.scan("[\u{1B}[0;1;31mFAILED\u{1B}[0m] Oops: 0000 [#1] SMP\r\n",
                                          source: "console", machine: "m")
        #expect(findings.map(\.text) == ["[FAILED] Oops: 0000 [#1] SMP"])
    }

    @Test func suppressedChecksAreNotAppliedAndWarningsAreMarked() {
        let text = "Kernel panic - not syncing: x\nOops: y\n"
        #expect(ConsoleChecks.scan(text, source: "console", machine: "m", suppressed: ["kernel-panic"])
            .map(\.check) == ["kernel-oops"])
        let warnings = ConsoleChecks.scan(text, source: "console", machine: "m", warningOnly: true)
        #expect(warnings.count == 2 && warnings.allSatisfy(\.warningOnly))
    }

    @Test func unknownSuppressedNamesAreReported() {
        #expect(ConsoleChecks.unknownNames(in: ["kernel-panic", "kernel-panik", "oops", "oops"]) == ["kernel-panik", "oops"])
        #expect(ConsoleChecks.unknownNames(in: ConsoleChecks.names).isEmpty)
    }

    @Test func bondingMessagesAreFoundAtEveryTenth() {
        let message = "bond0: (slave eth1): link status up for interface eth1, enabling it in 200 ms"
        let nine = Array(repeating: message, count: 9).joined(separator: "\nunrelated\n")
        #expect(checks(in: nine).isEmpty)
        let ten = nine + "\n" + message
        #expect(ConsoleChecks.scan(ten, source: "journal", machine: "m").map(\.line) == [18])
        // Two on one line count twice; twenty make two findings.
        let twenty = Array(repeating: message + " " + message, count: 10).joined(separator: "\n")
        #expect(ConsoleChecks.scan(twenty, source: "journal", machine: "m").map(\.line) == [5, 10])
        #expect(checks(in: Array(repeating: "link status up for interface eth1 enabling it in 200 ms", count: 10)
            .joined(separator: "\n")).isEmpty)
    }
}
