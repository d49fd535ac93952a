import KilnCore
import KilnHarness
import KilnPlatform

/// `basic.ssh`: log in over SSH as the build's login user and run commands, checking that
/// output streams and exit statuses come back as sent.
enum BasicSSH {
    static let test = RegisteredTest(
        TestMetadata(name: "basic.ssh", description: "Log in over SSH and run commands: output streams and exit status",
                     timeout: .seconds(120), tags: ["basic"], exclusive: false)
    ) { ctx in
        let machine = ctx.machine
        let who = try await machine.check("id -un")
        try ctx.require(who == "core", "logged in as '\(who)', expected 'core'")

        let streams = try await machine.run("echo to-stdout; echo to-stderr >&2", timeout: .seconds(60))
        try ctx.require(streams.stdoutText == "to-stdout\n" && streams.stderrText == "to-stderr\n",
                        "stdout/stderr mixed up: stdout \(streams.stdoutText.debugDescription), stderr \(streams.stderrText.debugDescription)")

        let status = try await machine.run("exit 7", timeout: .seconds(60))
        try ctx.require(status.exitStatus == 7, "exit status \(String(describing: status.exitStatus)), expected 7")

        let kernel = try await machine.check("uname -sr")
        ctx.log("kernel: \(kernel)")
        let osRelease = try await machine.check(". /etc/os-release && echo \"$PRETTY_NAME\"")
        ctx.log("os: \(osRelease)")
    }
}
