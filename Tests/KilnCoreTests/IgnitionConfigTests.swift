import Foundation
import Testing

@testable import KilnCore

struct IgnitionConfigTests {
    @Test func readsTheVersion() throws {
        let config = try IgnitionConfig(parsing: #"{"ignition": {"version": "3.4.0-experimental"}}"#, source: "a.ign")
        #expect(config.version == IgnitionSpecVersion(major: 3, minor: 4, experimental: true))
    }

    @Test(arguments: [
        ("hello", "x.ign:1:1: not valid JSON: unexpected character 'h': expected a value"),
        ("[]", "x.ign:1:1: an Ignition config must be a JSON object, found array"),
        ("{}", "x.ign:1:1: missing required section \"ignition\" (with \"version\")"),
        ("{\"ignition\": {}}", "x.ign:1:14 ($.ignition): missing required field \"ignition.version\""),
        ("{\"ignition\": {\"version\": 3}}", "x.ign:1:26 ($.ignition.version): \"ignition.version\" must be a string, found number"),
        ("{\"ignition\": {\"version\": \"2.2.0\"}}", "x.ign:1:26 ($.ignition.version): unsupported config version \"2.2.0\": Kiln handles Ignition spec 3.x (e.g. \"3.3.0\")"),
    ])
    func refusesWhatIgnitionWouldRefuseWithFileAndPosition(text: String, expected: String) {
        do {
            _ = try IgnitionConfig(parsing: text, source: "x.ign")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func addsTheSSHKeyToAnExistingUserKeepingItsKeys() throws {
        let config = try IgnitionConfig(parsing: """
            {"ignition": {"version": "3.3.0"},
             "passwd": {"users": [{"name": "core", "sshAuthorizedKeys": ["ssh-ed25519 OLD"]}, {"name": "other"}]}}
            """, source: "a.ign")
        let keyed = config.addingSSHAuthorizedKeys(["ssh-ed25519 NEW k"], forUser: "core")
        #expect(keyed.json["passwd"]?["users"]?.arrayValue?[0]["sshAuthorizedKeys"] == ["ssh-ed25519 OLD", "ssh-ed25519 NEW k"])
        #expect(keyed.json["passwd"]?["users"]?.arrayValue?.count == 2)
        // Adding the same key again changes nothing.
        #expect(keyed.addingSSHAuthorizedKeys(["ssh-ed25519 NEW k"], forUser: "core") == keyed)
    }

    @Test func addsTheUserWhenTheConfigHasNone() {
        let keyed = IgnitionConfig.empty().addingSSHAuthorizedKeys(["ssh-ed25519 K"], forUser: "core")
        #expect(keyed.rendered == #"{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["ssh-ed25519 K"]}]}}"#)
    }

    @Test func specVersionsOrderExperimentalBetweenReleases() {
        let v = { IgnitionSpecVersion($0)! }
        #expect(v("3.3.0") < v("3.4.0-experimental"))
        #expect(v("3.4.0-experimental") < v("3.4.0"))
        #expect(IgnitionSpecVersion("3.4") == nil)
        #expect(IgnitionSpecVersion("3.x.0") == nil)
    }
}
