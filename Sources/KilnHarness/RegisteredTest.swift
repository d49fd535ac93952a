public import KilnCore
public import KilnPlatform

/// A test Kiln can run: what it is (metadata), the config its machines boot with, and its body.
public struct RegisteredTest: Sendable {
    public var metadata: TestMetadata
    /// The Ignition config of the test's machines, before Kiln adds its SSH key; nil boots with
    /// an empty config.
    public var config: IgnitionConfig?
    /// Where the test was registered, for error messages (`File.swift:12`).
    public var location: String
    public var body: @Sendable (TestContext) async throws -> Void
    /// Time the harness adds to the test's timeout before it kills the test's machines: for
    /// tests that enforce `metadata.timeout` themselves on part of their work (an external
    /// test's script), the rest (booting, uploading, collecting) gets this much.
    public var setupAllowance: Duration = .zero
    /// The image the test's machines boot instead of the run's build (an upgrade test boots
    /// the build it updates from).
    public var bootImage: BootImage?
    /// The test's machines are expected to fail to boot and recover by themselves (see
    /// `MachineSpec.expectsFailedBoots`).
    public var expectsFailedBoots = false

    public init(_ metadata: TestMetadata, config: IgnitionConfig? = nil, fileID: String = #fileID, line: Int = #line,
                body: @escaping @Sendable (TestContext) async throws -> Void) {
        self.init(metadata, config: config, location: "\(fileID):\(line)", body: body)
    }

    /// A test registered from a file that is not Swift (an external test's script).
    public init(_ metadata: TestMetadata, config: IgnitionConfig?, location: String,
                body: @escaping @Sendable (TestContext) async throws -> Void) {
        self.metadata = metadata
        self.config = config
        self.location = location
        self.body = body
    }

    /// When the harness gives up on the test: its timeout plus its setup allowance.
    public var deadline: Duration { metadata.timeout + setupAllowance }

    /// `--multiply N`: N copies named `<name>0` … `<name>N-1`, as kola names them, to hunt races.
    public func multiplied(_ count: Int) -> [RegisteredTest] {
        guard count > 1 else { return [self] }
        return (0..<count).map { index in
            var copy = self
            copy.metadata.name = "\(metadata.name)\(index)"
            return copy
        }
    }
}

/// The list of tests Kiln knows: one value, built without side effects, checked once.
public struct TestRegistry: Sendable {
    public let tests: [RegisteredTest]

    /// - Throws: `RegistryError` for a duplicate name (naming both places), a cluster size
    ///   below 1, a non-positive timeout, a machine asking for nothing, or a non-exclusive test
    ///   that needs a machine of its own (more than one, its own options, no SSH key).
    public init(_ tests: [RegisteredTest]) throws(RegistryError) {
        var seen: [String: String] = [:]
        for test in tests {
            let name = test.metadata.name
            func fail(_ why: String) -> RegistryError { RegistryError(message: "test \(name) (\(test.location)) \(why)") }
            if let first = seen[name] {
                throw RegistryError(message: "test \(name) is registered twice: at \(first) and at \(test.location)")
            }
            seen[name] = test.location
            let metadata = test.metadata
            if metadata.clusterSize < 0 || (metadata.clusterSize == 0 && metadata.exclusive == false) {
                throw fail("must boot at least one machine (clusterSize \(metadata.clusterSize)), or 0 to boot its own as an exclusive test")
            }
            if metadata.timeout <= .zero { throw fail("has a non-positive timeout") }
            if metadata.machine.memoryMiB < 256 || metadata.machine.cpus < 1 {
                throw fail("asks for \(metadata.machine.memoryMiB) MiB and \(metadata.machine.cpus) vCPUs; at least 256 MiB and 1 vCPU")
            }
            if let firmware = metadata.machine.firmware, !["uefi", "bios"].contains(firmware) {
                throw fail("asks for firmware '\(firmware)'; uefi or bios")
            }
            if !metadata.exclusive,
                metadata.clusterSize != 1 || metadata.machine != MachineOptions() || metadata.flags.noSSHKey
                    || metadata.flags.allowConfigWarnings
            {
                throw fail("is non-exclusive but needs a machine of its own (cluster size, machine options or flags)")
            }
        }
        self.tests = tests
    }

    public var metadata: [TestMetadata] { tests.map(\.metadata) }

    public func test(named name: String) -> RegisteredTest? { tests.first { $0.metadata.name == name } }
}

/// A registry that cannot be used.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
