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
    /// The reference guest boots from its own disk: a reboot stays in the same QEMU and Ignition
    /// runs on the first boot only.
    @Suite struct Reboot {
        @Test(.timeLimit(.minutes(10)))
        func rebootKeepsStateAndDoesNotRunIgnitionAgain() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let env = try IntegrationEnvironment()
            let config = try IgnitionConfig(parsing: """
                {"ignition": {"version": "3.3.0"},
                 "storage": {"files": [{"path": "/etc/kiln-marker", "contents": {"source": "data:,first-boot"}}]}}
                """, source: "reboot-test")
            let rendered = try env.renderer.render(config, testName: "it.reboot")
            let spec = MachineSpec(id: "it.reboot-m0", artifactsDirectory: scratch.path, config: rendered)
            try await env.platform.withMachine(spec) { machine in
                let firstBoot = try await machine.check("cat /proc/sys/kernel/random/boot_id")
                let machineID = try await machine.check("cat /etc/machine-id")
                let ignitionLines = try await machine.check("journalctl -b -t ignition --no-pager -q | wc -l")
                #expect(Int(ignitionLines) ?? 0 > 0, "Ignition left no journal on the first boot")
                try await machine.check("sudo -n touch /var/kiln-persisted")

                try await machine.reboot()

                #expect(try await machine.check("cat /proc/sys/kernel/random/boot_id") != firstBoot)
                #expect(try await machine.check("cat /etc/machine-id") == machineID)
                #expect(try await machine.check("cat /etc/kiln-marker") == "first-boot")
                #expect(try await machine.run("test -e /var/kiln-persisted", timeout: .seconds(30)).succeeded)
                #expect(try await machine.check("journalctl -b -t ignition --no-pager -q | wc -l") == "0",
                        "Ignition ran again on the second boot")
                #expect(!(try await machine.check("cat /proc/cmdline")).contains("ignition.firstboot"))
            }
            #expect(HostProcesses.qemu(scratch.path).isEmpty)
        }
    }
}
