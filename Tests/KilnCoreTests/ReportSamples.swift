import KilnCore

/// A run with one test of every outcome, for the report formats' golden files and validators.
enum ReportSamples {
    static let esc = "\u{1B}"

    static let run = RunReport(
        platform: "qemu", version: "0.4.0",
        build: BuildReference(id: "fcos-41.20250101.3.0", name: "fedora-coreos", architecture: "x86_64",
                              imageSHA256: "9f2c0d3b5a7e41c8b6d0e2f4a1c3b5d7e9f0a2c4b6d8e0f1a3c5b7d9e1f3a5c7"),
        accelerator: "kvm", startedAt: "2025-01-01T10:00:00Z", durationSeconds: 754.3219,
        tests: [pass, fail, timeout, skip, flake, warn])

    static let pass = TestReport(
        name: "basic.sudo", result: .pass, duration: .milliseconds(12_345), error: nil,
        output: "sudo -n true: ok\n", machines: [machine("basic.sudo-m0")])

    /// A failure with findings and an error over several lines that look like YAML and XML.
    static let fail = TestReport(
        name: "ext.config.kernel-panic", result: .fail, duration: .milliseconds(61_002),
        error: """
            the console shows a kernel panic:
            --- m0 console ---
            key: value # not a comment
            ...
            <unit> "sshd" & 'friends' \\ done
            """,
        output: "booting ext.config.kernel-panic-m0\n\(esc)[0;31mFAILED\(esc)[0m to start sshd.service\n",
        machines: [machine("ext.config.kernel-panic-m0")],
        findings: [
            ConsoleFinding(check: "kernel-panic", description: "a kernel panic", source: "console",
                           machine: "ext.config.kernel-panic-m0", line: 412,
                           text: "Kernel panic - not syncing: VFS: Unable to mount root fs: \"x\""),
            ConsoleFinding(check: "systemd-failed-unit", description: "a unit failed", source: "journal",
                           machine: "ext.config.kernel-panic-m0", line: 88,
                           text: "\(esc)[0;1;31mFAILED\(esc)[0m sshd.service", warningOnly: true),
        ])

    static let timeout = TestReport(
        name: "basic.reboot-loop", result: .timeout, duration: .seconds(600),
        error: "the test's budget of 10m0s ran out while waiting for SSH after a reboot",
        output: "rebooting basic.reboot-loop-m0\n", machines: [machine("basic.reboot-loop-m0")])

    static let skip = TestReport(
        name: "ext.tpm2.luks", result: .skip, duration: .zero, error: "denylisted until 2025-03-01",
        output: "", machines: [], tracker: "https://github.com/coreos/fedora-coreos-tracker/issues/1234")

    static let flake = TestReport(
        name: "ext.network.dhcp", result: .flake, duration: .milliseconds(90_500),
        error: "ssh: connection reset by peer\nafter 3 retries", output: "attempt 1 failed\nattempt 2 passed\n",
        machines: [machine("ext.network.dhcp-m0")], attempts: 2)

    static let warn = TestReport(
        name: "ext.podman.rootless", result: .warn, duration: .milliseconds(45_000),
        error: "podman run exited with status 125", output: "podman run --rm quay.io/fedora/fedora true\n",
        machines: [machine("ext.podman.rootless-m0")], tracker: "https://github.com/containers/podman/issues/5678")

    /// Tails for the TAP report, keyed `<machine id> <log>`: a clean journal (a literal block,
    /// with YAML-looking lines, an empty line and an indented line) and a console with escape
    /// sequences (which must be quoted). The last belongs to no test and is not shown.
    static let tapTails = [
        "ext.config.kernel-panic-m0 journal": """
            systemd[1]: Starting sshd.service...
            ---
            ...
            key: value

               indented: yes
            # not a comment
            """,
        "ext.config.kernel-panic-m0 console": "[  1.2] \(esc)[0;31mKernel panic\(esc)[0m\n[  1.3] end Kernel panic\n",
        "ext.network.dhcp-m0 console": "dhcp4: lease acquired\nssh: ready\n",
        "unknown-m0 console": "not shown\n",
    ]

    /// The same tails for JUnit: per test, then per label.
    static let junitTails = [
        "ext.config.kernel-panic": [
            "m0 console": tapTails["ext.config.kernel-panic-m0 console"] ?? "",
            "m0 journal": tapTails["ext.config.kernel-panic-m0 journal"] ?? "",
        ],
        "ext.network.dhcp": ["m0 console": tapTails["ext.network.dhcp-m0 console"] ?? ""],
        "basic.reboot-loop": ["m0 console": "Rebooting.\n\u{0}\u{7}]]> <![CDATA[\r\n"],
    ]

    static func machine(_ id: String) -> MachineReport {
        MachineReport(id: id, directory: id, sshReadySeconds: 14.2, bootPhases: [BootPhase(name: "kernel", seconds: 0.8)])
    }
}
