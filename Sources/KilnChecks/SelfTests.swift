import KilnCore
import KilnHarness
import KilnPlatform

/// Tests of Kiln itself, which fail on purpose: they run only when asked for with
/// `--tag kiln-selftest`, and Kiln's integration tests use them to prove its enforcement.
enum SelfTests {
    static let tag = "kiln-selftest"

    /// Fails on its first attempt and passes on the second: with `--rerun`, a FLAKE.
    static let flaky = RegisteredTest(
        TestMetadata(name: "selftest.flaky", description: "Fails on the first attempt, passes when run again (proves --rerun and FLAKE)",
                     timeout: .seconds(600), requiredTag: tag)
    ) { ctx in
        let uptime = try await ctx.machine.check("cut -d' ' -f1 /proc/uptime")
        ctx.log("attempt \(ctx.attempt), guest uptime \(uptime)s")
        try ctx.require(ctx.attempt > 1, "failing on purpose on attempt \(ctx.attempt)")
    }

    /// A unit that fails at boot: the health check must fail the test naming it.
    static let failedUnit = RegisteredTest(
        TestMetadata(name: "selftest.failed-unit", description: "A unit fails at boot (proves the health check)",
                     timeout: .seconds(600), requiredTag: tag),
        config: try! IgnitionConfig(  // swiftlint:disable:this force_try
            parsing: #"""
                {"ignition":{"version":"3.3.0"},"systemd":{"units":[{"name":"kiln-fails.service","enabled":true,
                 "contents":"[Unit]\nDescription=Fails on purpose\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo failing on purpose; exit 3'\n[Install]\nWantedBy=multi-user.target\n"}]}}
                """#, source: "selftest.failed-unit")
    ) { _ in
        throw TestFailure("the health check should have failed this test before its body ran")
    }

    static let all = [flaky, failedUnit]
}
