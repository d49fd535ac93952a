import Foundation
import KilnTesting
import Testing

@testable import KilnCore

/// The pure side of upgrade tests: the matrix, the update metadata, the state probe's output,
/// and the invariants with the message each broken one gives.
struct UpgradeCoreTests {
    @Test func theMatrixIsNMinusOneNMinusTwoAndTheOldest() {
        let releases = ["12.5", "12.1", "12.3", "12.2", "12.9"]
        let sources = UpgradeMatrix.sources(candidate: "12.5", releases: releases)
        #expect(sources == [UpgradeSource(version: "12.3", roles: ["n-1"]), UpgradeSource(version: "12.2", roles: ["n-2"]),
                            UpgradeSource(version: "12.1", roles: ["oldest"])])
        // Two older releases: N-2 is the oldest; one: N-1 is; none: nothing.
        #expect(UpgradeMatrix.sources(candidate: "3", releases: ["1", "2", "3"]) ==
                [UpgradeSource(version: "2", roles: ["n-1"]), UpgradeSource(version: "1", roles: ["n-2", "oldest"])])
        #expect(UpgradeMatrix.sources(candidate: "3", releases: ["2"]) == [UpgradeSource(version: "2", roles: ["n-1", "oldest"])])
        #expect(UpgradeMatrix.sources(candidate: "1", releases: ["1", "2"]).isEmpty)
        // Versions compare as versions: 12.10 is after 12.9.
        #expect(UpgradeMatrix.sources(candidate: "12.10", releases: ["12.9", "12.10"]).map(\.version) == ["12.9"])
    }

    @Test func theUpdateMethodIsReadFromMetaJSON() throws {
        let meta = try BuildMetadata(json: Array(try Fixtures.text("upgrade/meta-update.json").utf8), source: "meta.json")
        let (method, payload) = try meta.updateMethod(source: "meta.json")
        #expect(method == UpdateMethod(artifact: "update", guestPath: "/var/tmp/kiln-update.tar.zst",
                                       command: "sudo /usr/sbin/kiln-guest-update /var/tmp/kiln-update.tar.zst",
                                       statusCommand: "sudo /usr/sbin/kiln-guest-update --status"))
        #expect(payload.path.hasSuffix("-update.x86_64.tar.zst") && payload.size == 155_019_996)
        #expect(meta.bootedVersion == "12.20261202.2" && meta.broken == nil)

        var none = meta
        none.update = nil
        #expect(throws: BuildMetadataError(source: "m.json", message: "no \"kiln.update\": the build does not say how a machine is updated to it (payload artifact and command)")) {
            _ = try none.updateMethod(source: "m.json")
        }
        var dangling = meta
        dangling.update?.artifact = "ostree"
        #expect(throws: BuildMetadataError(source: "m.json", message: "\"kiln.update.artifact\" names \"ostree\", which is not in \"images\"")) {
            _ = try dangling.updateMethod(source: "m.json")
        }
        // Fedora CoreOS: no kiln.os-release, the build ID is the version os-release names.
        var fcos = meta
        fcos.osRelease = nil
        #expect(fcos.bootedVersion == "12.20261202.2")
    }

    @Test func theStatusCommandsJSONIsReadAndBadOutputNamed() throws {
        let status = try UpdateStatus(json: try Fixtures.text("upgrade/status-rolled-back.json"), source: "status")
        #expect(status.booted == "a" && status.bootedSlot?.version == "12.20261202.3")
        #expect(status.slots[1] == UpdateStatus.Slot(slot: "b", entry: "slot-b+0-3.conf", version: "12.20261202.4", triesLeft: 0, triesDone: 3))
        #expect(throws: BuildMetadataError(source: "s", message: "no \"slots\" array")) { try UpdateStatus(json: #"{"booted": "a"}"#, source: "s") }
        #expect(throws: BuildMetadataError(source: "s", message: "slots[0].tries-left must be a count, found -1")) {
            try UpdateStatus(json: #"{"booted": "a", "slots": [{"slot": "a", "entry": "e", "version": "1", "tries-left": -1}]}"#, source: "s")
        }
    }

    @Test func theProbesOutputBecomesTheMachinesState() throws {
        let output = """
            @@boot-id
            b1
            @@os-release
            IMAGE_VERSION=12.1
            OSTREE_VERSION=
            VERSION_ID=12.1
            @@machine-id
            m1
            @@users
            root:0:0:/root:/bin/bash
            core:1000:1000:/home/core:/bin/bash
            @@nodes
            /etc/a\t\(String(repeating: "ab", count: 32))
            /etc/l\tlink -> /etc/a
            /etc/gone\tmissing
            @@enabled
            ssh.service
            @@failed
            @@end
            """
        let state = try MachineStateProbe.parse(output, installed: nil, machine: "m0")
        #expect(state.bootID == "b1" && state.machineID == "m1" && state.osRelease == ["IMAGE_VERSION": "12.1", "VERSION_ID": "12.1"])
        #expect(state.users.count == 2 && state.enabledUnits == ["ssh.service"] && state.failedUnits.isEmpty)
        #expect(state.ignitionNodes == ["/etc/a": String(repeating: "ab", count: 32), "/etc/l": "link -> /etc/a", "/etc/gone": "missing"])
        #expect(state.runs("12.1") && !state.runs("12.2"))
        #expect(throws: BuildMetadataError(source: "m0", message: "the state probe's output has no end section (was it cut short?)")) {
            try MachineStateProbe.parse(output.replacingOccurrences(of: "@@end", with: ""), installed: nil, machine: "m0")
        }
        // The script fingerprints exactly the config's paths, quoted.
        let config = try IgnitionConfig(parsing: #"{"ignition": {"version": "3.3.0"}, "storage": {"files": [{"path": "/etc/it's"}], "directories": [{"path": "/d"}], "links": [{"path": "/l", "target": "/d"}]}}"#, source: "c")
        #expect(MachineState.ignitionPaths(of: config) == ["/d", "/etc/it's", "/l"])
        // Units and drop-ins Ignition writes are files of the config too; an enabled-only unit is not.
        let units = try IgnitionConfig(parsing: #"{"ignition": {"version": "3.3.0"}, "systemd": {"units": [{"name": "a.service", "contents": "[Service]\n"}, {"name": "b.service", "mask": true}, {"name": "c.service", "enabled": true, "dropins": [{"name": "10-x.conf", "contents": "[Unit]\n"}, {"name": "20-empty.conf"}]}]}}"#, source: "u")
        #expect(MachineState.ignitionPaths(of: units) == ["/etc/systemd/system/a.service", "/etc/systemd/system/b.service",
                                                          "/etc/systemd/system/c.service.d/10-x.conf"])
        #expect(MachineStateProbe.script(paths: ["/etc/it's"]).contains(#"[ -f '/etc/it'\''s' ]"#))
    }

    static func state(boot: String = "b1", version: String = "12.1", nodes: [String: String] = ["/etc/kiln": "aa"],
                      users: [String] = ["core:1000:1000:/home/core:/bin/bash"], enabled: [String] = ["ssh.service"],
                      failed: [String] = [], installed: UpdateStatus? = nil) -> MachineState {
        MachineState(bootID: boot, osRelease: ["IMAGE_VERSION": version], machineID: "m1", users: users, ignitionNodes: nodes,
                     enabledUnits: enabled, failedUnits: failed, installed: installed)
    }

    @Test func aGoodUpdateBreaksNoInvariant() {
        let installed = UpdateStatus(booted: "b", slots: [.init(slot: "a", entry: "slot-a.conf", version: "12.1"),
                                                          .init(slot: "b", entry: "slot-b.conf", version: "12.2")])
        let after = Self.state(boot: "b2", version: "12.2", users: ["core:1000:1000:/home/core:/bin/bash", "new:998:998:/:/bin/false"],
                               enabled: ["ssh.service", "new.timer"], installed: installed)
        #expect(UpgradeInvariants.check(before: Self.state(), after: after, from: "12.1", expectation: .updated(to: "12.2")).isEmpty)
    }

    @Test func eachBrokenInvariantIsNamedWithWhatBrokeIt() {
        let before = Self.state(installed: UpdateStatus(booted: "a", slots: [.init(slot: "a", entry: "slot-a.conf", version: "12.1")]))
        // Left on the old version, an Ignition file lost, a user gone, a unit disabled and one failed, no rollback slot.
        let after = Self.state(boot: "b2", version: "12.1", nodes: ["/etc/kiln": "missing"], users: [], enabled: [],
                               failed: ["kiln.service"],
                               installed: UpdateStatus(booted: "a", slots: [.init(slot: "a", entry: "slot-a.conf", version: "12.1")]))
        let broken = UpgradeInvariants.check(before: before, after: after, from: "12.1", expectation: .updated(to: "12.2"))
        #expect(broken.map(\.invariant) == ["new-version-booted", "previous-build-kept", "users", "ignition-files", "enabled-units", "no-failed-units"])
        #expect(broken[0].description == "invariant new-version-booted broke: the machine is still on 12.1 after the update: IMAGE_VERSION=12.1, expected 12.2")
        #expect(broken[3].description == "invariant ignition-files broke: files written by Ignition were lost or changed: /etc/kiln is gone")
        #expect(broken[2].message == "core is gone")
        // No reboot at all, and a changed machine-id and file.
        var same = Self.state(version: "12.2", nodes: ["/etc/kiln": String(repeating: "c", count: 64)])
        same.machineID = "m2"
        let notRebooted = UpgradeInvariants.check(before: Self.state(), after: same, from: "12.1", expectation: .updated(to: "12.2"))
        #expect(notRebooted.map(\.invariant) == ["new-boot", "machine-id", "ignition-files"])
        #expect(notRebooted[2].message.contains("/etc/kiln changed (aa -> sha256 cccccccccccc…)"))
    }

    @Test func aRollbackMustEndOnTheOldBuildWithTheCandidatesTriesUsedUp() throws {
        let rolledBack = try UpdateStatus(json: try Fixtures.text("upgrade/status-rolled-back.json"), source: "status")
        let before = Self.state(version: "12.20261202.3")
        let good = Self.state(boot: "b2", version: "12.20261202.3", installed: rolledBack)
        #expect(UpgradeInvariants.check(before: before, after: good, from: "12.20261202.3", expectation: .rolledBack(candidate: "12.20261202.4")).isEmpty)
        // The broken build booted after all; its entry kept tries.
        var stillTrying = rolledBack
        stillTrying.slots[1].triesLeft = 1
        let bad = Self.state(boot: "b2", version: "12.20261202.4", installed: stillTrying)
        let broken = UpgradeInvariants.check(before: before, after: bad, from: "12.20261202.3", expectation: .rolledBack(candidate: "12.20261202.4"))
        #expect(broken.map(\.invariant) == ["rolled-back", "boot-attempts"])
        #expect(broken[0].message.hasSuffix("(the broken candidate 12.20261202.4 booted)"))
    }
}

/// The probe script itself, run by bash on this host with a stand-in `systemctl`: what it
/// prints parses back, and a section whose command fails is an error, not an empty list.
struct MachineStateProbeScriptTests {
    /// `systemctl` is a stand-in: the system is degraded, and listing its failed units works
    /// (one failed unit) or times out.
    func probe(systemctlFails: Bool) throws -> (status: Int32, output: String, errors: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-probe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(directory)/bin", withIntermediateDirectories: true)
        let fake = """
            #!/bin/sh
            case "$1" in
              is-system-running) echo degraded ;;
              list-units) \(systemctlFails ? "echo 'Failed to list units: Connection timed out' >&2; exit 1" : "echo 'kiln-bad.service loaded failed failed Bad'") ;;
            esac

            """
        #expect(FileManager.default.createFile(atPath: "\(directory)/bin/systemctl", contents: Data(fake.utf8), attributes: [.posixPermissions: 0o755]))
        try FileManager.default.createDirectory(atPath: "\(directory)/systemd/system/multi-user.target.wants", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/systemd/system/multi-user.target.wants/ssh.service",
                                                   withDestinationPath: "/lib/systemd/system/ssh.service")
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/systemd/system/bad.service", withDestinationPath: "/dev/null")
        try "content\n".write(toFile: "\(directory)/file", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/link", withDestinationPath: "\(directory)/file")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = ["\(directory)/file", "\(directory)/link", directory, "\(directory)/missing"]
        let result = try HostTool.run("/usr/bin/env", ["PATH=\(directory)/bin:/usr/bin:/bin", "bash"],
                                      document: MachineStateProbe.script(paths: paths, systemdDirectory: "\(directory)/systemd"))
        return (result.status, result.output.replacingOccurrences(of: directory, with: "DIR"), result.errors)
    }

    @Test func itsOutputParsesBack() throws {
        let (status, output, errors) = try probe(systemctlFails: false)
        #expect(status == 0, "\(errors)")
        let state = try MachineStateProbe.parse(output, installed: nil, machine: "host")
        #expect(state.ignitionNodes == ["DIR/file": "434728a410a78f56fc1b5899c3593436e61ab0c731e9072d95e96db290205e53",
                                        "DIR/link": "link -> DIR/file", "DIR": "directory", "DIR/missing": "missing"])
        #expect(state.enabledUnits == ["system/bad.service -> /dev/null", "system/multi-user.target.wants/ssh.service -> /lib/systemd/system/ssh.service"])
        #expect(state.failedUnits == ["kiln-bad.service"])
        #expect(state.bootID.count == 36 && !state.users.isEmpty)
    }

    @Test func aFailedSectionIsAnErrorNotAnEmptyList() throws {
        let (status, output, errors) = try probe(systemctlFails: true)
        #expect(status == 1 && errors.contains("reading failed failed"), "\(errors)")
        #expect(throws: BuildMetadataError(source: "host", message: "the state probe could not read failed")) {
            try MachineStateProbe.parse(output, installed: nil, machine: "host")
        }
    }
}
