import KilnCore
import KilnHarness
import KilnPlatform

/// `basic.sudo`: the login user has passwordless sudo, as on Fedora CoreOS.
enum BasicSudo {
    static let test = RegisteredTest(
        TestMetadata(name: "basic.sudo", description: "The login user has passwordless sudo",
                     timeout: .seconds(120), tags: ["basic"], exclusive: false)
    ) { ctx in
        let machine = ctx.machine
        let uid = try await machine.check("sudo -n id -u")
        try ctx.require(uid == "0", "`sudo -n id -u` printed '\(uid)', expected 0")
        let shadow = try await machine.run("sudo -n test -r /etc/shadow", timeout: .seconds(60))
        try ctx.require(shadow.succeeded, "root (through sudo) cannot read /etc/shadow")
        let groups = try await machine.check("id -nG")
        ctx.log("groups of the login user: \(groups)")
    }
}
