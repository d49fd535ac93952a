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
}
