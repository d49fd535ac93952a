public import KilnHarness

/// Every test built into Kiln, in the order `kiln list` shows them.
public enum BuiltinTests {
    public static var all: [RegisteredTest] {
        [BasicSSH.test, BasicIgnition.test, BasicSudo.test] + SystemChecks.all + IgnitionChecks.all + ClusterChecks.all + SelfTests.all
    }

    /// The registry of the built-in tests. Built-in names are unique by construction; a clash
    /// is a programming error caught by the unit tests.
    public static func registry() throws -> TestRegistry {
        try TestRegistry(all)
    }
}
