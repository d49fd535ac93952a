import KilnChecks
import KilnCore
import KilnPlatform
import Testing

@testable import KilnHarness

struct RegistryTests {
    @Test func aDuplicateNameIsRefusedNamingBothPlaces() {
        let first = RegisteredTest(TestMetadata(name: "dup", description: "")) { _ in }
        let second = RegisteredTest(TestMetadata(name: "dup", description: "")) { _ in }
        do {
            _ = try TestRegistry([first, second])
            Issue.record("accepted a duplicate")
        } catch {
            #expect(error.message == "test dup is registered twice: at \(first.location) and at \(second.location)")
        }
    }

    @Test func aTestMustBootAMachine() {
        #expect(throws: RegistryError.self) {
            try TestRegistry([RegisteredTest(TestMetadata(name: "none", description: "", clusterSize: 0)) { _ in }])
        }
    }

    @Test func theBuiltInTestsFormAValidRegistry() throws {
        let registry = try BuiltinTests.registry()
        #expect(registry.metadata.map(\.name) == ["basic.ssh", "basic.ignition", "basic.sudo"])
        #expect(registry.test(named: "basic.ignition")?.config?.version == IgnitionSpecVersion(major: 3, minor: 3))
    }
}

struct MachineConfigRendererTests {
    let image = BootImage(path: "/x.qcow2", firmware: .uefi, loginUser: "core",
                          ignitionSpecMax: IgnitionSpecVersion("3.4.0-experimental"))

    @Test func anEmptyConfigGetsTheNewestStableVersionTheGuestAcceptsAndTheKey() throws {
        let rendered = try MachineConfigRenderer(image: image, sshPublicKey: "ssh-ed25519 K").render(nil, testName: "t")
        #expect(rendered.version == IgnitionSpecVersion(major: 3, minor: 3))
        #expect(rendered.json["passwd"]?["users"]?.arrayValue?.first?["sshAuthorizedKeys"] == ["ssh-ed25519 K"])
    }

    @Test func aConfigNewerThanTheGuestAcceptsIsRefusedBeforeBoot() throws {
        let config = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.4.0"}}"#, source: "t.ign")
        #expect(throws: ConfigError.self) {
            try MachineConfigRenderer(image: image, sshPublicKey: "k").render(config, testName: "t")
        }
    }

    @Test func appendedConfigsAreMergedByTheGuestsIgnition() throws {
        let extra = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.1.0"}}"#, source: "extra.ign")
        let renderer = MachineConfigRenderer(image: image, sshPublicKey: "k", appended: [(extra, "extra.ign")])
        let rendered = try renderer.render(nil, testName: "t")
        #expect(rendered.json["ignition"]?["config"]?["merge"]?.arrayValue?.count == 2)
        #expect(rendered.json["passwd"] != nil)
    }
}
