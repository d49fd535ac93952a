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

    @Test func aTestMustBootAMachineOrBootItsOwn() throws {
        #expect(throws: RegistryError.self) {
            try TestRegistry([RegisteredTest(TestMetadata(name: "none", description: "", clusterSize: -1)) { _ in }])
        }
        #expect(throws: RegistryError.self) {
            try TestRegistry([RegisteredTest(TestMetadata(name: "shared", description: "", clusterSize: 0, exclusive: false)) { _ in }])
        }
        _ = try TestRegistry([RegisteredTest(TestMetadata(name: "own", description: "", clusterSize: 0)) { _ in }])
    }

    @Test func aNonExclusiveTestCannotAskForAMachineOfItsOwn() {
        for metadata in [
            TestMetadata(name: "a", description: "", clusterSize: 2, exclusive: false),
            TestMetadata(name: "b", description: "", machine: MachineOptions(memoryMiB: 4096), exclusive: false),
            TestMetadata(name: "c", description: "", flags: TestFlags(noSSHKey: true), exclusive: false),
        ] {
            #expect(throws: RegistryError.self) { try TestRegistry([RegisteredTest(metadata) { _ in }]) }
        }
    }

    @Test func firmwareMustBeUEFIOrBIOS() {
        #expect(throws: RegistryError.self) {
            try TestRegistry([RegisteredTest(TestMetadata(name: "f", description: "", machine: MachineOptions(firmware: "coreboot"))) { _ in }])
        }
    }

    @Test func multiplyNamesCopiesAsKolaDoes() {
        let test = RegisteredTest(TestMetadata(name: "race", description: "")) { _ in }
        #expect(test.multiplied(3).map(\.metadata.name) == ["race0", "race1", "race2"])
        #expect(test.multiplied(1).map(\.metadata.name) == ["race"])
    }

    @Test func theBuiltInTestsFormAValidRegistry() throws {
        let registry = try BuiltinTests.registry()
        #expect(registry.metadata.count >= 15)
        #expect(Array(registry.metadata.map(\.name).prefix(3)) == ["basic.ssh", "basic.ignition", "basic.sudo"])
        #expect(registry.metadata.contains { $0.clusterSize == 2 })
        #expect(registry.metadata.filter { !$0.exclusive }.count >= 10)
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

    @Test func aNewerConfigIsConvertedDownToWhatTheGuestAccepts() throws {
        let config = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a"}]}}"#, source: "t.ign")
        let rendered = try MachineConfigRenderer(image: image, sshPublicKey: "k").render(config, testName: "t")
        #expect(rendered.version == IgnitionSpecVersion("3.4.0-experimental"))
        #expect(rendered.json["storage"] == config.json["storage"])
    }

    @Test func aConfigUsingFieldsTheGuestLacksIsRefusedBeforeBootNamingTheField() throws {
        let config = try IgnitionConfig(
            parsing: #"{"ignition":{"version":"3.4.0"},"storage":{"luks":[{"name":"r","device":"/dev/vda","discard":true}]}}"#,
            source: "t.ign")
        #expect {
            try MachineConfigRenderer(image: image, sshPublicKey: "k").render(config, testName: "t")
        } throws: { error in
            (error as? ConfigError)?.path == "$.storage.luks.0.discard"
        }
    }

    @Test func appendedConfigsAreMergedOnTheHostByIgnitionsRules() throws {
        let base = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.0.0"},"storage":{"files":[{"path":"/a","mode":420}]}}"#, source: "t")
        let extra = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.1.0"},"storage":{"files":[{"path":"/a","mode":384},{"path":"/b"}]}}"#, source: "extra.ign")
        let renderer = MachineConfigRenderer(image: image, sshPublicKey: "k", appended: [(extra, "extra.ign")])
        let rendered = try renderer.render(base, testName: "t")
        #expect(rendered.json["storage"]?.serialized() == #"{"files":[{"path":"/a","mode":384},{"path":"/b"}]}"#)
        #expect(rendered.version == IgnitionSpecVersion("3.1.0"))
        #expect(rendered.json["passwd"]?.serialized() == #"{"users":[{"name":"core","sshAuthorizedKeys":["k"]}]}"#)
        // Every machine streams its journal to the host.
        #expect(rendered.json["systemd"]?["units"]?.arrayValue?.first?["name"] == "kiln-journal-stream.service")
    }

    @Test func kernelArgumentsGoToIgnitionFromSpec330() throws {
        let config = try IgnitionConfig(parsing: #"{"ignition":{"version":"3.1.0"}}"#, source: "t")
        let rendered = try MachineConfigRenderer(image: image, sshPublicKey: "k").render(config, testName: "t",
                                                                                          kernelArguments: ["mitigations=off"])
        #expect(rendered.version == IgnitionSpecVersion("3.3.0"))
        #expect(rendered.json["kernelArguments"]?["shouldExist"] == ["mitigations=off"])
        let old = BootImage(path: "/x", firmware: .uefi, loginUser: "core", ignitionSpecMax: IgnitionSpecVersion("3.2.0"))
        #expect {
            try MachineConfigRenderer(image: old, sshPublicKey: "k").render(config, testName: "t", kernelArguments: ["a"])
        } throws: { error in
            (error as? ConfigError)?.path == "$.kernelArguments"
        }
    }
}
