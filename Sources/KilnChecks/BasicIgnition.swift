import KilnCore
import KilnHarness
import KilnPlatform

/// `basic.ignition`: a config that writes a file with mode and owner, creates a group and a
/// user in it, and enables a systemd unit; all of it checked in the guest.
enum BasicIgnition {
    static let config = """
        {
          "ignition": {"version": "3.3.0"},
          "passwd": {
            "groups": [{"name": "kilnops", "gid": 4242}],
            "users": [{"name": "kilntester", "uid": 4243, "groups": ["kilnops"], "shell": "/bin/sh"}]
          },
          "storage": {
            "directories": [{"path": "/etc/kiln", "mode": 493}],
            "files": [{
              "path": "/etc/kiln/hello.conf",
              "mode": 416,
              "user": {"name": "kilntester"},
              "group": {"name": "kilnops"},
              "contents": {"source": "data:,hello%20from%20ignition%0A"}
            }]
          },
          "systemd": {
            "units": [{
              "name": "kiln-hello.service",
              "enabled": true,
              "contents": "[Unit]\\nDescription=Kiln hello\\n\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/sh -c 'cat /etc/kiln/hello.conf > /run/kiln-hello'\\n\\n[Install]\\nWantedBy=multi-user.target\\n"
            }]
          }
        }
        """

    static let test = RegisteredTest(
        TestMetadata(name: "basic.ignition",
                     description: "Ignition writes a file with mode and owner, creates a user in a group, enables a unit",
                     timeout: .seconds(120), tags: ["basic", "ignition"], exclusive: false),
        // A literal known to parse; a mistake in it fails the unit tests, not a run.
        config: try! IgnitionConfig(parsing: config, source: "basic.ignition")  // swiftlint:disable:this force_try
    ) { ctx in
        let machine = ctx.machine
        let file = try await machine.check("stat -c '%a %U %G' /etc/kiln/hello.conf")
        try ctx.require(file == "640 kilntester kilnops", "/etc/kiln/hello.conf is '\(file)', expected '640 kilntester kilnops'")
        let contents = try await machine.check("sudo -n cat /etc/kiln/hello.conf")
        try ctx.require(contents == "hello from ignition", "/etc/kiln/hello.conf holds \(contents.debugDescription)")

        let passwd = try await machine.check("getent passwd kilntester")
        try ctx.require(passwd.hasPrefix("kilntester:x:4243:"), "user kilntester: '\(passwd)', expected uid 4243")
        let groups = try await machine.check("id -nG kilntester")
        try ctx.require(groups.split(separator: " ").contains("kilnops"), "kilntester is in '\(groups)', not in kilnops")
        let group = try await machine.check("getent group kilnops")
        try ctx.require(group.hasPrefix("kilnops:x:4242:"), "group kilnops: '\(group)', expected gid 4242")

        let enabled = try await machine.run("systemctl is-enabled kiln-hello.service", timeout: .seconds(60))
        try ctx.require(enabled.stdoutText == "enabled\n", "kiln-hello.service is \(enabled.stdoutText.debugDescription), expected enabled")
        let active = try await machine.run("systemctl is-active kiln-hello.service", timeout: .seconds(60))
        try ctx.require(active.stdoutText == "active\n", "kiln-hello.service is \(active.stdoutText.debugDescription), expected active")
        let ran = try await machine.check("cat /run/kiln-hello")
        try ctx.require(ran == "hello from ignition", "the unit wrote \(ran.debugDescription) to /run/kiln-hello")
    }
}
