import KilnCore
import KilnHarness
import KilnPlatform

/// Checks of what Ignition did on first boot, beyond `basic.ignition`: links, drop-ins and
/// masks (sharing the common machine), a reboot that keeps everything and does not run
/// Ignition again, and a config the guest's Ignition refuses.
enum IgnitionChecks {
    static let linksAndDropinsConfig = """
        {
          "ignition": {"version": "3.3.0"},
          "storage": {
            "files": [{"path": "/etc/kiln-links/target.txt", "mode": 420, "contents": {"source": "data:,linked%0A"}}],
            "links": [
              {"path": "/etc/kiln-links/symbolic", "target": "/etc/kiln-links/target.txt"},
              {"path": "/etc/kiln-links/hard", "target": "/etc/kiln-links/target.txt", "hard": true}
            ]
          },
          "systemd": {
            "units": [
              {"name": "systemd-journald.service",
               "dropins": [{"name": "50-kiln.conf", "contents": "[Service]\\nEnvironment=KILN_DROPIN=yes\\n"}]},
              {"name": "kiln-masked.service", "mask": true}
            ]
          }
        }
        """

    static let linksAndDropins = RegisteredTest(
        TestMetadata(name: "ignition.links-dropins", description: "Ignition makes symbolic and hard links, a drop-in for an existing unit, and a mask",
                     timeout: .seconds(120), tags: ["ignition"], exclusive: false),
        config: try! IgnitionConfig(parsing: linksAndDropinsConfig, source: "ignition.links-dropins")  // swiftlint:disable:this force_try
    ) { ctx in
        let machine = ctx.machine
        let target = try await machine.check("readlink /etc/kiln-links/symbolic")
        try ctx.require(target == "/etc/kiln-links/target.txt", "symbolic link points at '\(target)'")
        let inodes = try await machine.check("stat -c %i /etc/kiln-links/hard /etc/kiln-links/target.txt | sort -u | wc -l")
        try ctx.require(inodes == "1", "the hard link is not the same inode as its target")
        let dropin = try await machine.check("systemctl show -p Environment systemd-journald.service")
        try ctx.require(dropin.contains("KILN_DROPIN=yes"), "the drop-in is not in effect: \(dropin)")
        let masked = try await machine.run("systemctl is-enabled kiln-masked.service", timeout: .seconds(30)).stdoutText
        try ctx.require(masked == "masked\n", "kiln-masked.service is \(masked.debugDescription), expected masked")
    }

    static let reboot = RegisteredTest(
        TestMetadata(name: "ignition.reboot", description: "After a reboot (healthy again) Ignition's files and the machine ID remain, and Ignition does not run again",
                     timeout: .seconds(600), tags: ["ignition", "reboot"]),
        config: try! IgnitionConfig(  // swiftlint:disable:this force_try
            parsing: #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/kiln-first-boot","contents":{"source":"data:,written-once"}}]}}"#,
            source: "ignition.reboot")
    ) { ctx in
        let machine = ctx.machine
        let bootID = try await machine.check("cat /proc/sys/kernel/random/boot_id")
        let machineID = try await machine.check("cat /etc/machine-id")
        try await machine.check("sudo -n sh -c 'echo changed-after-ignition > /etc/kiln-first-boot'")
        try await machine.reboot()
        try ctx.require(try await machine.check("cat /proc/sys/kernel/random/boot_id") != bootID, "the boot ID did not change")
        try ctx.require(try await machine.check("cat /etc/machine-id") == machineID, "the machine ID changed across the reboot")
        let file = try await machine.check("cat /etc/kiln-first-boot")
        try ctx.require(file == "changed-after-ignition", "Ignition's file was rewritten on the second boot: \(file.debugDescription)")
        let ignition = try await machine.check("journalctl -b -t ignition --no-pager -q | wc -l")
        try ctx.require(ignition == "0", "Ignition logged \(ignition) line(s) on the second boot")
    }

    static let failure = RegisteredTest(
        TestMetadata(name: "ignition.failure", description: "A config the guest's Ignition refuses (a file over an existing one) fails the boot with Ignition's error",
                     clusterSize: 0, timeout: .seconds(300), tags: ["ignition"])
    ) { ctx in
        let config = try IgnitionConfig(
            parsing: #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/hosts","contents":{"source":"data:,clobbered"}}]}}"#,
            source: "ignition.failure")
        do {
            try await ctx.withExtraMachine(config: config) { _ in
                throw TestFailure("the machine came up although its Ignition config must fail")
            }
        } catch let error as MachineError {
            guard case .bootFailed(_, .ignitionFailed(let lines), _) = error else {
                throw TestFailure("the boot failed, but not with an Ignition failure: \(error)")
            }
            let said = lines.joined(separator: "\n")
            try ctx.require(said.contains("/etc/hosts"), "Ignition's error does not name /etc/hosts:\n\(said)")
            ctx.log("Ignition failed as expected: \(lines.first ?? "")")
        }
    }

    static let all = [linksAndDropins, reboot, failure]
}

/// Tests of several machines on their test's private network.
enum ClusterChecks {
    static let privateNetwork = RegisteredTest(
        TestMetadata(name: "cluster.private-network",
                     description: "Two machines (an extra disk and NIC each) reach each other on their test's private network; their machine IDs differ",
                     clusterSize: 2, timeout: .seconds(600), tags: ["cluster"],
                     machine: MachineOptions(additionalDisksGiB: [1], additionalNICs: 1))
    ) { ctx in
        for machine in ctx.machines {
            let disk = try await machine.check("lsblk -b -dn -o SIZE /dev/vdb")
            try ctx.require(disk == "1073741824", "\(machine.id): /dev/vdb is \(disk) bytes, expected the 1 GiB extra disk")
            let nics = try await machine.check("ls /sys/class/net | grep -c '^en'")
            try ctx.require(nics == "3", "\(machine.id) has \(nics) NICs, expected 3 (user, extra, private)")
        }
        let (first, second) = (ctx.machines[0], ctx.machines[1])
        for (machine, address) in zip(ctx.machines, ctx.privateAddresses) {
            let addresses = try await machine.check("ip -4 -o addr show | awk '{print $4}'")
            try ctx.require(addresses.split(separator: "\n").contains(Substring("\(address)/24")),
                            "\(machine.id) does not have \(address)/24: \(addresses)")
        }
        // Each machine's sshd answers the other over the private segment.
        for (machine, peer) in [(first, ctx.privateAddresses[1]), (second, ctx.privateAddresses[0])] {
            let banner = try await machine.check("timeout 10 bash -c 'exec 3<>/dev/tcp/\(peer)/22; head -c 8 <&3'")
            try ctx.require(banner.hasPrefix("SSH-2.0"), "\(machine.id) got \(banner.debugDescription) from \(peer):22")
        }
        let ids = try await [first.check("cat /etc/machine-id"), second.check("cat /etc/machine-id")]
        try ctx.require(ids[0] != ids[1], "both machines have machine ID \(ids[0])")
    }

    static let all = [privateNetwork]
}
