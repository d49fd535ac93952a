import KilnCore
public import KilnHarness
import KilnPlatform

/// Upgrade tests that must fail: they prove that Kiln's invariants catch what they are for,
/// on a real machine and through the whole update path. Run only when named
/// (`kiln run-upgrade --build N selftest.upgrade-*`); never part of the default set.
extension UpgradeChecks {
    public static var selfTests: [UpgradeTest] { [losesIgnitionFile] }

    static let losesIgnitionFileConfig = """
        {
          "ignition": {"version": "3.3.0"},
          "storage": {"files": [{"path": "/etc/kiln-selftest/from-ignition", "mode": 420,
                                 "contents": {"source": "data:,written%20by%20Ignition%0A"}}]}
        }
        """

    /// Removes a file Ignition wrote, after Kiln read the machine's state and before the
    /// update: the path must FAIL with the `ignition-files` invariant naming the file.
    static let losesIgnitionFile = UpgradeTest(
        name: "selftest.upgrade-loses-ignition-file",
        description: "Must fail: a file Ignition wrote is removed before the update, and the ignition-files invariant names it",
        config: try! IgnitionConfig(parsing: losesIgnitionFileConfig, source: "selftest.upgrade-loses-ignition-file"),  // swiftlint:disable:this force_try
        before: { ctx in
            try await ctx.machine.check("sudo -n rm /etc/kiln-selftest/from-ignition")
            ctx.log("removed /etc/kiln-selftest/from-ignition (written by Ignition); the ignition-files invariant must fail")
        },
        after: { _ in })
}
