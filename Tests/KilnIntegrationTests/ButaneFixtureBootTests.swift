import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnSSH
import KilnTesting
import Logging
import Testing

extension IntegrationTests {
    /// One guest, booted with the Butane fixture fixtures/butane/full.bu (translated by Kiln,
    /// merged with a second config on the host, converted from spec 3.4.0 down to the 3.3.0 the
    /// reference guest's Ignition accepts): the guest's real Ignition applies every kind of node,
    /// unit and account in it. (That a reboot keeps what Ignition wrote and does not run it again
    /// is `ignition.reboot`'s, in the default suite.)
    @Suite struct ButaneFixture {
        @Test(.timeLimit(.minutes(10)))
        func butaneFixtureIsAppliedByTheGuestsIgnition() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let env = try IntegrationEnvironment()
            let loader = ConfigLoader(filesDirectory: try FilesDirectory(Fixtures.path("butane/files")))
            let fixture = try loader.load(path: Fixtures.path("butane/full.bu")).accepted(allowWarnings: false)
            #expect(fixture.version == .v3_4)
            let marker = try IgnitionConfig(parsing: """
                {"ignition": {"version": "3.3.0"},
                 "storage": {"files": [{"path": "/etc/kiln-marker", "contents": {"source": "data:,first-boot"}}]}}
                """, source: "marker.ign")
            let rendered = try env.renderer.render(fixture.merged(with: marker), testName: "it.butane")
            #expect(rendered.version == .v3_3)
            let spec = MachineSpec(id: "it.butane-m0", artifactsDirectory: scratch.path, config: rendered)
            try await env.platform.withMachine(spec) { machine in
                try await Self.expectFixtureApplied(on: machine)
                #expect(try await machine.check("cat /etc/kiln-marker") == "first-boot")
                let ignitionLines = try await machine.check("journalctl -b -t ignition --no-pager -q | wc -l")
                #expect(Int(ignitionLines) ?? 0 > 0, "Ignition left no journal on the first boot")
            }
            #expect(HostProcesses.qemu(scratch.path).isEmpty)
        }

        /// What full.bu asks for, read back from the guest.
        static func expectFixtureApplied(on machine: any Machine) async throws {
            func out(_ command: String) async throws -> String { try await machine.check("sudo -n sh -c '\(command)'") }
            // Files: inline, local (owner, mode), append.
            #expect(try await out("cat /etc/kiln-fixture/inline.txt") == "written by Ignition from a Butane inline")
            #expect(try await out("stat -c \"%a %U\" /etc/kiln-fixture/local.conf") == "600 alice")
            #expect(try await out("cat /etc/kiln-fixture/local.conf").contains("setting = 42"))
            #expect(try await out("cat /var/lib/kiln-fixture/appended.txt") == "first line\nsecond line")
            #expect(try await out("stat -c \"%a\" /var/lib/kiln-fixture/appended.txt") == "640")
            // Directory with owner and group by name.
            #expect(try await out("stat -c \"%a %U %G\" /var/lib/kiln-fixture") == "750 alice kilngroup")
            // Links: symbolic and hard.
            #expect(try await out("readlink /etc/kiln-fixture/symlink") == "/etc/kiln-fixture/inline.txt")
            #expect(try await out("stat -c %i /etc/kiln-fixture/hardlink") == (try await out("stat -c %i /etc/kiln-fixture/inline.txt")))
            // The tree: an executable, a data file, a link.
            #expect(try await out("/opt/kiln-tree/bin/hello") == "tree script")
            #expect(try await out("stat -c %a /opt/kiln-tree/bin/hello /opt/kiln-tree/data.txt") == "755\n644")
            #expect(try await out("readlink /opt/kiln-tree/data-link") == "data.txt")
            // Units: enabled from a local file, its drop-in in effect, a masked one.
            #expect(try await out("systemctl is-enabled kiln-fixture.service") == "enabled")
            #expect(try await out("systemctl is-active kiln-fixture.service") == "active")
            #expect(try await out("cat /run/kiln-fixture-greeting") == "from-a-drop-in")
            #expect(try await out("systemctl is-enabled kiln-fixture-masked.service || true") == "masked")
            // Accounts: user with uid, GECOS, supplementary group and a key from a local file.
            #expect(try await out("id -u alice") == "4201")
            #expect(try await out("id -nG alice").split(separator: " ").contains("kilngroup"))
            #expect(try await out("getent group kilngroup | cut -d: -f3") == "4242")
            #expect(try await out("getent passwd alice | cut -d: -f5") == "Alice Example")
            #expect(try await out("cat /home/alice/.ssh/authorized_keys /home/alice/.ssh/authorized_keys.d/* 2>/dev/null || true")
                .contains("alice@fixture"))
        }
    }
}
