import Foundation
public import KilnCore
public import KilnHarness
import KilnPlatform

/// The built-in upgrade tests (`kiln run-upgrade`): their `before` phases run on the old build,
/// their `after` phases once the machine runs the candidate. Kiln's own invariants (new version,
/// machine-id, users, Ignition-written files, enabled units, no failed unit, clean journal,
/// previous build kept) are checked on every path besides these.
public enum UpgradeChecks {
    public static var all: [UpgradeTest] { [state, ignition] }

    /// Error lines the reference guest's journal has on every boot (see `basic.journal-errors`),
    /// which the clean-journal invariant leaves aside.
    public static var expectedJournalErrors: [String] { SystemChecks.expectedJournalErrors }

    /// Select upgrade tests by name globs (all but the self-tests when none is given; a
    /// self-test only when a glob names it).
    public static func selected(_ patterns: [String]) throws(SelectionError) -> [UpgradeTest] {
        guard !patterns.isEmpty else { return all }
        let globs = patterns.map(Glob.init)
        let known = all + selfTests
        let chosen = known.filter { test in globs.contains { $0.matches(test.name) } }
        for (pattern, glob) in zip(patterns, globs) where !known.contains(where: { glob.matches($0.name) }) {
            throw SelectionError(message: "'\(pattern)' matches no upgrade test (there are: \(known.map(\.name).joined(separator: ", ")))")
        }
        return chosen
    }

    /// State made by hand on the old build: an edited file in /etc, a user made with useradd, a
    /// file in the login user's home, data in /var, the SSH host key. All of it survives.
    static let state = UpgradeTest(
        name: "upgrade.state", description: "/etc edits, a useradd user, /home, /var and the SSH host key survive the update",
        runsAfterRollback: true,
        before: { ctx in
            try await ctx.machine.check("""
                sudo -n sh -c 'mkdir -p /etc/kiln-upgrade /var/lib/kiln-upgrade && echo edited-by-hand > /etc/kiln-upgrade/by-hand \
                && echo "# kiln-upgrade" >> /etc/hosts && echo var-data > /var/lib/kiln-upgrade/data \
                && useradd -m -u 4301 -s /bin/bash kilnup && echo home-of-kilnup > /home/kilnup/notes \
                && cp /etc/ssh/ssh_host_ed25519_key.pub /var/lib/kiln-upgrade/host-key-before'
                """)
            try await ctx.machine.check("echo home-file > ~/kiln-upgrade-notes")
        },
        after: { ctx in
            let machine = ctx.machine
            // (command, expected output, what it is); run as root but for the login user's home.
            let checks: [(String, String, String)] = [
                ("sudo -n cat /etc/kiln-upgrade/by-hand", "edited-by-hand", "the file made in /etc"),
                ("tail -n 1 /etc/hosts", "# kiln-upgrade", "the edit of /etc/hosts"),
                ("sudo -n cat /var/lib/kiln-upgrade/data", "var-data", "the data in /var"),
                ("id -u kilnup", "4301", "the user made with useradd"),
                ("sudo -n cat /home/kilnup/notes", "home-of-kilnup", "the useradd user's home"),
                ("cat ~/kiln-upgrade-notes", "home-file", "the file in the login user's home"),
                ("sudo -n cmp /etc/ssh/ssh_host_ed25519_key.pub /var/lib/kiln-upgrade/host-key-before && echo same", "same",
                 "the SSH host key"),
            ]
            for (command, expected, what) in checks {
                let result = try await machine.run(command, timeout: .seconds(30))
                let got = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
                try ctx.require(result.succeeded && got == expected,
                                "\(what) did not survive the update: `\(command)` gave \(got.isEmpty ? result.stderrText.debugDescription : got.debugDescription), expected \(expected.debugDescription)")
            }
        })

    static let ignitionConfig = """
        {
          "ignition": {"version": "3.3.0"},
          "storage": {
            "files": [
              {"path": "/etc/kiln-upgrade/from-ignition", "mode": 420, "contents": {"source": "data:,written%20by%20Ignition%0A"}},
              {"path": "/var/lib/kiln-upgrade-ignition/data", "mode": 384, "contents": {"source": "data:,ignition-var%0A"}}
            ],
            "links": [{"path": "/etc/kiln-upgrade/link", "target": "/etc/kiln-upgrade/from-ignition"}]
          },
          "systemd": {
            "units": [{
              "name": "kiln-upgrade-marker.service", "enabled": true,
              "contents": "[Unit]\\nDescription=Kiln upgrade marker\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/sh -c 'cat /proc/sys/kernel/random/boot_id > /run/kiln-upgrade-marker'\\n[Install]\\nWantedBy=multi-user.target\\n"
            }]
          },
          "passwd": {"users": [{"name": "ignup", "uid": 4302, "groups": ["sudo"]}]}
        }
        """

    /// What Ignition did on the old build's first boot stays done, and Ignition does not run
    /// again on the new build: its unit runs in the new boot, its user is there.
    static let ignition = UpgradeTest(
        name: "upgrade.ignition", description: "Ignition's files, unit and user from the first boot carry over; Ignition does not run again",
        config: try! IgnitionConfig(parsing: ignitionConfig, source: "upgrade.ignition"),  // swiftlint:disable:this force_try
        runsAfterRollback: true,
        before: { ctx in
            let machine = ctx.machine
            try ctx.require(try await machine.check("systemctl is-active kiln-upgrade-marker.service") == "active",
                            "the unit from Ignition did not run on the first boot")
            let lines = try await machine.check("sudo -n journalctl -b -t ignition --no-pager -q | wc -l")
            try ctx.require((Int(lines) ?? 0) > 0, "Ignition left no journal on the first boot")
        },
        after: { ctx in
            let machine = ctx.machine
            let bootID = try await machine.check("cat /proc/sys/kernel/random/boot_id")
            let marker = try await machine.run("cat /run/kiln-upgrade-marker", timeout: .seconds(30)).stdoutText
            try ctx.require(marker.trimmingCharacters(in: .whitespacesAndNewlines) == bootID,
                            "kiln-upgrade-marker.service (enabled by Ignition) did not run in the new boot")
            try ctx.require(try await machine.check("id -u ignup") == "4302", "the user from Ignition is gone")
            try ctx.require(try await machine.check("sudo -n journalctl -b -t ignition --no-pager -q | wc -l") == "0",
                            "Ignition ran again on the new build's first boot")
            try ctx.require(!(try await machine.check("cat /proc/cmdline")).contains("ignition.firstboot"),
                            "the new build booted with ignition.firstboot")
        })
}
