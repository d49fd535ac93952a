import KilnChecks
import KilnCore
import KilnHarness
import Testing

/// Which upgrade tests `kiln run-upgrade [TEST...]` runs.
struct UpgradeSelectionTests {
    @Test func theSelfTestRunsOnlyWhenNamed() throws {
        #expect(try UpgradeChecks.selected([]).map(\.name) == ["upgrade.state", "upgrade.ignition"])
        #expect(try UpgradeChecks.selected(["upgrade.*"]).map(\.name) == ["upgrade.state", "upgrade.ignition"])
        #expect(try UpgradeChecks.selected(["selftest.upgrade-*", "upgrade.state"]).map(\.name)
                == ["upgrade.state", "selftest.upgrade-loses-ignition-file"])
        #expect(throws: SelectionError.self) { try UpgradeChecks.selected(["upgrade.nope"]) }
    }

    @Test func theSelfTestsConfigWritesTheFileItsBeforePhaseRemoves() throws {
        let test = try #require(UpgradeChecks.selfTests.first)
        let config = try #require(test.config)
        #expect(MachineState.ignitionPaths(of: config).contains("/etc/kiln-selftest/from-ignition"))
    }

    @Test func aPathThatRunsASelfTestIsRecordedApartFromRealUpgrades() throws {
        let builds = try FakeBuilds()
        defer { builds.remove() }
        let old = try LoadedBuild.load(from: try builds.make("12.1", in: "a"))
        let new = try LoadedBuild.load(from: try builds.make("12.2", in: "b"))
        let method = UpdateMethod(artifact: "update", guestPath: "/var/tmp/u", command: "true")
        let path = try UpgradePath(from: old, to: new, payload: (method, "/nonexistent"), roles: ["n-1"], expectRollback: false)
        let real = UpgradePathTest.registered(path, tests: UpgradeChecks.all, allowedJournalErrors: [])
        #expect(real.metadata.name == "upgrade.from-12.1" && real.metadata.tags == ["upgrade", "upgrade-n-1"])
        let selfTest = UpgradePathTest.registered(path, tests: try UpgradeChecks.selected(["selftest.*"]), allowedJournalErrors: [])
        #expect(selfTest.metadata.name == "selftest.upgrade.from-12.1" && selfTest.metadata.tags == ["selftest"])
        let rollback = try UpgradePath(from: old, to: new, payload: (method, "/nonexistent"), roles: ["given"], expectRollback: true)
        #expect(rollback.testName == "upgrade.rollback.from-12.1" && rollback.tags == ["rollback", "rollback-given"])
    }
}
