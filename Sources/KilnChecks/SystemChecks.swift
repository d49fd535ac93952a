import KilnCore
import KilnHarness
import KilnPlatform

/// Checks of the running system that only read it (and `basic.useradd`, which cleans up after
/// itself), so they share one booted machine (non-exclusive).
enum SystemChecks {
    static func shared(_ name: String, _ description: String, tags: [String] = ["basic"],
                       line: Int = #line, body: @escaping @Sendable (TestContext) async throws -> Void) -> RegisteredTest {
        RegisteredTest(TestMetadata(name: name, description: description, timeout: .seconds(120), tags: tags, exclusive: false),
                       line: line, body: body)
    }

    static let servicesActive = shared("basic.services-active", "sshd, journald, networkd and udev are active") { ctx in
        for unit in ["ssh.service", "systemd-journald.service", "systemd-networkd.service", "systemd-udevd.service"] {
            let state = try await ctx.machine.run("systemctl is-active \(unit)", timeout: .seconds(30)).stdoutText
            try ctx.require(state == "active\n", "\(unit) is \(state.debugDescription), expected active")
        }
    }

    static let noFailedUnits = shared("basic.no-failed-units", "No unit has failed and the system reached 'running'") { ctx in
        let failed = try await ctx.machine.check("systemctl list-units --state=failed --no-legend --plain")
        try ctx.require(failed.isEmpty, "failed units:\n\(failed)")
        let state = try await ctx.machine.run("systemctl is-system-running", timeout: .seconds(30)).stdoutText
        try ctx.require(state == "running\n", "system state is \(state.debugDescription), expected running")
    }

    static let machineID = shared("basic.machine-id", "The machine ID was made on first boot: 32 hex digits, not the image's") { ctx in
        let id = try await ctx.machine.check("cat /etc/machine-id")
        try ctx.require(id.count == 32 && id.allSatisfy(\.isHexDigit), "/etc/machine-id is '\(id)', expected 32 hex digits")
        try ctx.require(id != String(repeating: "0", count: 32), "/etc/machine-id is all zeros")
        let boot = try await ctx.machine.check("journalctl --list-boots --no-pager | wc -l")
        ctx.log("machine-id \(id), \(boot) boot(s) in the journal")
    }

    static let useradd = shared("basic.useradd", "useradd, a login shell and userdel work; the user is gone afterwards") { ctx in
        let machine = ctx.machine
        try await machine.check("sudo -n useradd --create-home --shell /bin/bash kiln-useradd")
        let home = try await machine.check("getent passwd kiln-useradd | cut -d: -f6,7")
        try ctx.require(home == "/home/kiln-useradd:/bin/bash", "new user has '\(home)'")
        let whoami = try await machine.check("sudo -n -u kiln-useradd whoami")
        try ctx.require(whoami == "kiln-useradd", "running as the new user printed '\(whoami)'")
        try await machine.check("sudo -n userdel --remove kiln-useradd")
        let gone = try await machine.run("getent passwd kiln-useradd", timeout: .seconds(30))
        try ctx.require(!gone.succeeded, "kiln-useradd still exists after userdel")
    }

    /// Journal lines at priority err or worse that Kiln itself causes or that Debian's guest
    /// always logs; everything else is an error of the image.
    static let expectedJournalErrors = [
        // Kiln's SSH readiness probes connect before sshd is up, or close after the banner;
        // under TCG they can pile up past sshd's MaxStartups.
        "kex_exchange_identification:",
        "banner exchange: Connection from",
        "error: beginning MaxStartups throttling",
        // QEMU's q35 machine under TCG: the kernel's IO-APIC timer probe, harmless.
        "MP-BIOS bug: 8254 timer not connected to IO-APIC",
    ]

    static let journalErrors = shared("basic.journal-errors", "The journal of this boot has no errors (priority err or worse)") { ctx in
        let errors = try await ctx.machine.check("journalctl -b -p err --no-pager -q -o short-monotonic")
        let unexpected = errors.split(separator: "\n").filter { line in
            !expectedJournalErrors.contains { line.contains($0) }
        }
        try ctx.require(unexpected.isEmpty, "\(unexpected.count) error line(s) in the journal:\n" + unexpected.prefix(20).joined(separator: "\n"))
    }

    static let permissions = shared("basic.permissions", "Secrets are private and nothing in /etc or /usr is world-writable") { ctx in
        let machine = ctx.machine
        try await ctx.subtest("shadow") {
            let shadow = try await machine.check("stat -c '%a %U' /etc/shadow")
            try ctx.require(["640 root", "600 root", "0 root"].contains(shadow), "/etc/shadow is \(shadow)")
        }
        try await ctx.subtest("host-keys") {
            let keys = try await machine.check("sudo -n sh -c 'stat -c \"%a %U %n\" /etc/ssh/ssh_host_*_key'")
            for line in keys.split(separator: "\n") {
                try ctx.require(line.hasPrefix("600 root "), "host key not private: \(line)")
            }
        }
        try await ctx.subtest("world-writable") {
            let writable = try await machine.check(
                "sudo -n find /etc /usr -xdev \\( -type f -o -type d \\) -perm -0002 ! -perm -1000 -print 2>/dev/null | head -20")
            try ctx.require(writable.isEmpty, "world-writable:\n\(writable)")
        }
        try await ctx.subtest("sudoers") {
            let sudoers = try await machine.check("sudo -n stat -c '%a' /etc/sudoers")
            try ctx.require(sudoers == "440", "/etc/sudoers has mode \(sudoers)")
        }
    }

    static let hostKey = shared("basic.ssh-host-key", "The SSH host key Kiln accepted is the one the guest printed on its console") { ctx in
        let report = ctx.machine.bootReport()
        try ctx.require(report.hostKey != nil, "no host key was recorded")
        try ctx.require(report.hostKeyMatchedConsole, "the host key was not checked against the console")
        let served = try await ctx.machine.check("sudo -n cat /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f1,2")
        try ctx.require(report.hostKey == served, "Kiln accepted \(report.hostKey ?? "-"), the guest has \(served)")
    }

    static let network = shared("basic.network", "The NIC got its address by DHCP; the outside world is unreachable") { ctx in
        let machine = ctx.machine
        let address = try await machine.check("ip -4 -o addr show scope global | awk '{print $4}'")
        try ctx.require(address.hasPrefix("10.0.2.") && address.hasSuffix("/24"), "global IPv4 address is '\(address)', expected 10.0.2.x/24")
        let lease = try await machine.check("networkctl status --no-pager 2>/dev/null | grep -c 'DHCP4' || true")
        ctx.log("DHCP lines in networkctl status: \(lease)")
        // restrict=on: no default route is offered, and nothing outside the segment answers.
        let route = try await machine.check("ip -4 route show default")
        try ctx.require(route.isEmpty, "the restricted guest has a default route: \(route)")
        // restrict=on: nothing outside the guest's own segment answers.
        let outside = try await machine.run("timeout 5 bash -c 'exec 3<>/dev/tcp/1.1.1.1/53' 2>/dev/null", timeout: .seconds(30))
        try ctx.require(!outside.succeeded, "the guest reached 1.1.1.1:53 although its network is restricted")
    }

    static let kernelCommandLine = shared("basic.kernel-cmdline", "The console is on ttyS0, root is a disk partition, and the boot loader (or direct kernel boot) started the kernel") { ctx in
        let cmdline = try await ctx.machine.check("cat /proc/cmdline")
        try ctx.require(cmdline.split(separator: " ").contains("console=ttyS0") || cmdline.contains("console=ttyS0,"),
                        "no console=ttyS0 in '\(cmdline)'")
        let root = try await ctx.machine.check("findmnt -n -o SOURCE /")
        try ctx.require(root.hasPrefix("/dev/"), "root is mounted from '\(root)'")
        try await KernelBootCheck.check(ctx, commandLine: cmdline)
    }

    static let all = [servicesActive, noFailedUnits, machineID, useradd, journalErrors, permissions, hostKey, network,
                      kernelCommandLine]
}
