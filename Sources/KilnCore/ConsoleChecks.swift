/// kola's console and journal "badness" checks, in kola's order, and the scan that applies them
/// to a machine's log after a test.
///
/// kola applies all of them to both the console and the journal; any match fails the test,
/// unless the run treats them as warnings (the denylist's `skip-console-warnings`). kola reports
/// each check at most once per log; Kiln reports every matching line, with its number.
public enum ConsoleChecks {
    /// The 17 checks of kola's `consoleChecks` table.
    public static let all: [ConsoleCheck] = [
        ConsoleCheck(
            name: "emergency-shell", description: "emergency shell",
            kolaPattern: "Press Enter for emergency shell|Starting Emergency Shell|You are in emergency mode",
            kolaFlag: "NoEmergencyShellCheck",
            matcher: .anyOf(["Press Enter for emergency shell", "Starting Emergency Shell", "You are in emergency mode"])),
        ConsoleCheck(
            name: "dracut-fatal", description: "dracut fatal",
            kolaPattern: "dracut: Refusing to continue", kolaFlag: "NoDracutFatalCheck",
            matcher: .anyOf(["dracut: Refusing to continue"])),
        ConsoleCheck(
            name: "kernel-panic", description: "kernel panic",
            kolaPattern: "Kernel panic - not syncing: (.*)",
            matcher: .anyOf(["Kernel panic - not syncing: "])),
        ConsoleCheck(
            name: "kernel-oops", description: "kernel oops",
            kolaPattern: "Oops:", matcher: .anyOf(["Oops:"])),
        ConsoleCheck(
            name: "kernel-warning", description: "kernel warning",
            kolaPattern: #"WARNING: CPU: \d+ PID: \d+ at (.+)"#,
            matcher: .regex(#"WARNING: CPU: \d+ PID: \d+ at [^\n]+"#, required: "WARNING: CPU: ")),
        ConsoleCheck(
            name: "disk-offline", description: "failure of disk under I/O",
            kolaPattern: "rejecting I/O to offline device",
            matcher: .anyOf(["rejecting I/O to offline device"])),
        ConsoleCheck(
            name: "bonding-link-flood", description: "excessive bonding link status messages",
            kolaPattern: "(?s:link status up for interface [^,]+, enabling it in [0-9]+ ms.*?){10}",
            matcher: .everyNth("link status up for interface [^,]+, enabling it in [0-9]+ ms",
                               required: "link status up for interface ", count: 10)),
        ConsoleCheck(
            name: "ext4-delalloc-failure", description: "ext4 delayed allocation failure",
            kolaPattern: #"EXT4-fs \([^)]+\): Delayed block allocation failed for inode \d+ at logical offset \d+ with max blocks \d+ with (error \d+)"#,
            matcher: .regex(#"EXT4-fs \([^)]+\): Delayed block allocation failed for inode \d+ at logical offset \d+ with max blocks \d+ with error \d+"#,
                            required: "Delayed block allocation failed for inode ")),
        ConsoleCheck(
            name: "grub-memory-corruption", description: "GRUB memory corruption",
            kolaPattern: "((alloc|free) magic) (is )?broken",
            matcher: .anyOf(["alloc magic broken", "alloc magic is broken", "free magic broken", "free magic is broken"])),
        ConsoleCheck(
            name: "ignition-fetch-canceled", description: "Ignition fetch cancellation race",
            kolaPattern: #"ignition\[[0-9]+\]: failed to fetch config: context canceled"#,
            matcher: .regex(#"ignition\[[0-9]+\]: failed to fetch config: context canceled"#,
                            required: "]: failed to fetch config: context canceled")),
        ConsoleCheck(
            name: "initrd-cleanup-killed", description: "initrd-cleanup.service terminated",
            kolaPattern: #"initrd-cleanup\.service: Main process exited, code=killed, status=15/TERM"#,
            matcher: .anyOf(["initrd-cleanup.service: Main process exited, code=killed, status=15/TERM"])),
        ConsoleCheck(
            name: "go-panic", description: "Go panic",
            kolaPattern: "panic: (.*)", matcher: .anyOf(["panic: "])),
        ConsoleCheck(
            name: "segfault", description: "segfault",
            kolaPattern: "SIGSEGV|=11/SEGV", matcher: .anyOf(["SIGSEGV", "=11/SEGV"])),
        ConsoleCheck(
            name: "core-dump", description: "core dump",
            kolaPattern: "[Cc]ore dump", matcher: .anyOf(["Core dump", "core dump"])),
        ConsoleCheck(
            name: "ordering-cycle", description: "systemd ordering cycle",
            kolaPattern: "Ordering cycle found", matcher: .anyOf(["Ordering cycle found"])),
        ConsoleCheck(
            name: "oom-killer", description: "oom killer",
            kolaPattern: "invoked oom-killer", matcher: .anyOf(["invoked oom-killer"])),
        ConsoleCheck(
            name: "generator-failure", description: "systemd generator failure",
            kolaPattern: "(/.*/system-generators/.*) (failed with exit status|terminated by signal|failed due to unknown reason)",
            matcher: .regex(#"/[^\n]*/system-generators/[^\n]* (failed with exit status|terminated by signal|failed due to unknown reason)"#,
                            required: "/system-generators/")),
    ]

    /// The names of all checks, in kola's order.
    public static var names: [String] { all.map(\.name) }

    /// The check with this name.
    public static func check(named name: String) -> ConsoleCheck? { all.first { $0.name == name } }

    /// The names in `names` that are not checks (sorted, once each): a test that suppresses one
    /// of them has a typo, which should be reported rather than ignored.
    public static func unknownNames(in names: some Sequence<String>) -> [String] {
        let known = Set(Self.names)
        return Set(names).subtracting(known).sorted()
    }

    /// Scans one log of one machine and returns a finding for every line a check matches, in
    /// line order (checks in table order within a line).
    ///
    /// - Parameters:
    ///   - text: the whole log; lines end with `\n` or `\r\n` and are numbered from 1.
    ///   - source: `console` or `journal`, as the findings record it.
    ///   - machine: the machine the log belongs to.
    ///   - suppressed: names of checks not to apply (see `unknownNames(in:)`).
    ///   - warningOnly: marks every finding as a warning (kola's `skip-console-warnings`).
    public static func scan(_ text: String, source: String, machine: String, suppressed: Set<String> = [],
                            warningOnly: Bool = false) -> [ConsoleFinding] {
        var scanners = all.filter { !suppressed.contains($0.name) }.map(ConsoleCheck.Scanner.init)
        var findings: [ConsoleFinding] = []
        var number = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            func matching(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
                scanners.indices.filter { scanners[$0].matches(line, bytes: bytes) }
            }
            let matched = line.utf8.withContiguousStorageIfAvailable(matching)
                ?? Array(line.utf8).withUnsafeBufferPointer(matching)
            for index in matched {
                let check = scanners[index].check
                findings.append(ConsoleFinding(check: check.name, description: check.description, source: source,
                                               machine: machine, line: number, text: ConsoleAnalyzer.clean(String(line)),
                                               warningOnly: warningOnly))
            }
        }
        return findings
    }
}
