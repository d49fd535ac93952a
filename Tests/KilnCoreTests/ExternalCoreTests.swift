import Foundation
import KilnCore
import Testing

/// The pure parts of external tests: bucket packing, the unit probe, the reboot helpers,
/// quoting, the grace period's dates.
struct ExternalCoreTests {
    private func shared(_ name: String, conflicts: [String] = []) -> TestMetadata {
        var metadata = TestMetadata(name: name, description: "", exclusive: false)
        metadata.conflicts = conflicts
        return metadata
    }

    @Test func bucketsKeepConflictingTestsApartInEitherDirection() {
        let tests = [shared("a"), shared("b", conflicts: ["a"]), shared("c"), shared("d", conflicts: ["c", "b"]), shared("e")]
        // b conflicts with a: new bucket. d conflicts with c (bucket 0) and b (bucket 1): a third.
        #expect(BucketPacking.pack(tests) == [[0, 2, 4], [1], [3]])
        let reverse = [shared("a", conflicts: ["b"]), shared("b")]
        #expect(BucketPacking.pack(reverse) == [[0], [1]])
        #expect(BucketPacking.pack([shared("x"), shared("y")]) == [[0, 1]])
        #expect(BucketPacking.pack([]) == [])
    }

    @Test(arguments: [
        ("LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\nExecMainCode=0\nExecMainStatus=0\n",
         ExternalUnitState(phase: .running)),
        ("LoadState=loaded\nActiveState=active\nSubState=exited\nResult=success\nExecMainCode=1\nExecMainStatus=0\n",
         ExternalUnitState(phase: .passed)),
        ("LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainCode=1\nExecMainStatus=3\n",
         ExternalUnitState(phase: .failed("exited with status 3"))),
        ("LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=signal\nExecMainCode=2\nExecMainStatus=9\n",
         ExternalUnitState(phase: .failed("was killed by signal SIGKILL (9)"))),
        ("LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=core-dump\nExecMainCode=3\nExecMainStatus=11\n",
         ExternalUnitState(phase: .failed("was killed by signal SIGSEGV (11), dumping core"))),
        ("LoadState=not-found\nActiveState=inactive\nSubState=dead\nResult=success\nExecMainCode=0\nExecMainStatus=0\n",
         ExternalUnitState(phase: .notLoaded)),
        ("RebootMark=first one\nLoadState=loaded\nActiveState=active\nSubState=running\n",
         ExternalUnitState(phase: .running, rebootMark: "first one")),
        ("PreparedMark=two\nLoadState=loaded\nActiveState=active\nSubState=exited\nExecMainCode=1\nExecMainStatus=0\n",
         ExternalUnitState(phase: .passed, preparedMark: "two")),
    ])
    func theUnitProbeIsRead(output: String, expected: ExternalUnitState) {
        #expect(ExternalUnitState(parsing: output) == expected)
    }

    @Test func quotingSurvivesAShell() throws {
        let words = ["plain", "with space", "it's", "'", "", "$HOME `id` \\n \"q\"", "a\nb"]
        let printed = try HostTool.run("/bin/sh", ["-c", "printf '%s|' " + Shell.command(words)])
        #expect(printed.stdout == words.map { $0 + "|" }.joined())
    }

    @Test func theRebootHelpersRecordTheirMarkWhereTheProbeReadsIt() throws {
        let directory = NSTemporaryDirectory() + "kiln-helpers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let helpers = Dictionary(uniqueKeysWithValues: AutopkgtestHelpers.scripts(refusingReboots: false).map { ($0.path, $0.text) })
        let prepare = "\(directory)/prepare"
        try #require(helpers["/tmp/autopkgtest-reboot-prepare"]).write(toFile: prepare, atomically: true, encoding: .utf8)
        let ran = try HostTool.run("/bin/sh", ["-c", "KILN_EXT_STATE=\(directory) sh \(prepare) 'mark two'; echo $?"])
        #expect(ran.stdout == "0\n")
        #expect(try String(contentsOfFile: "\(directory)/reboot-prepared", encoding: .utf8) == "mark two\n")
        // The waiting helper records its mark, then sleeps until the reboot (cut short here).
        let reboot = "\(directory)/reboot"
        try #require(helpers["/tmp/autopkgtest-reboot"]).write(toFile: reboot, atomically: true, encoding: .utf8)
        let waited = try HostTool.run("/bin/sh", ["-c", "KILN_EXT_STATE=\(directory) timeout 2 sh \(reboot) one; echo $?"])
        #expect(waited.stdout == "124\n", "it should wait for the reboot")
        #expect(waited.stderr.contains("reboot requested (mark one)"))
        // What the probe prints, minus systemctl (absent on the host's view of the unit).
        let probe = ExternalUnitState.probeCommand(unit: "kiln-ext-x.service", stateDirectory: directory)
            .replacingOccurrences(of: "systemctl show", with: ": systemctl show")
        let state = ExternalUnitState(parsing: try HostTool.run("/bin/sh", ["-c", probe]).stdout)
        #expect(state.rebootMark == "one" && state.preparedMark == "mark two")
        // Without the environment a helper refuses; on a shared machine every helper refuses.
        let bare = try HostTool.run("/bin/sh", ["-c", "env -u KILN_EXT_STATE sh \(reboot) one; echo $?"])
        #expect(bare.stdout.hasSuffix("2\n") || bare.stdout.hasSuffix("1\n"))
        let refusing = try #require(AutopkgtestHelpers.scripts(refusingReboots: true).first { $0.path == "/tmp/autopkgtest-reboot" })
        try refusing.text.write(toFile: reboot, atomically: true, encoding: .utf8)
        let refused = try HostTool.run("/bin/sh", ["-c", "sh \(reboot) x; echo $?"])
        #expect(refused.stdout == "1\n" && refused.stderr.contains("reboots are refused on a machine shared with other tests"))
    }

    @Test func unitNamesAreSafeForSystemd() {
        #expect(ExternalGuestLayout.unitName(of: "ext.config.files.license") == "kiln-ext-ext.config.files.license.service")
        #expect(ExternalGuestLayout.unitName(of: "ext.my proj.a+b") == "kiln-ext-ext.my_proj.a_b.service")
    }

    @Test func graceEndsThirtyDaysAfterCreation() throws {
        let date = try #require(DenylistDate("2026-11-20"))
        #expect(date.adding(days: 30).description == "2026-12-20")
        #expect(try #require(DenylistDate("2024-02-15")).adding(days: 30).description == "2024-03-16")
        #expect(try #require(DenylistDate("2026-12-31")).adding(days: 1).description == "2027-01-01")
        #expect(try #require(DenylistDate("2027-01-01")).adding(days: -1).description == "2026-12-31")
        var metadata = ExternalTestMetadata()
        metadata.creationDate = date
        #expect(metadata.graceEnds?.description == "2026-12-20")
    }
}
