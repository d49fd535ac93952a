public import KilnCore

/// A test Kiln can run: what it is (metadata), the config its machines boot with, and its body.
public struct RegisteredTest: Sendable {
    public var metadata: TestMetadata
    /// The Ignition config of the test's machines, before Kiln adds its SSH key; nil boots with
    /// an empty config.
    public var config: IgnitionConfig?
    /// Memory per machine in MiB.
    public var memoryMiB: Int
    /// Boot even if Ignition would warn about the config (kola's `AllowConfigWarnings`).
    public var allowConfigWarnings: Bool
    /// Where the test was registered, for error messages (`File.swift:12`).
    public var location: String
    public var body: @Sendable (TestContext) async throws -> Void

    public init(_ metadata: TestMetadata, config: IgnitionConfig? = nil, memoryMiB: Int = 1024,
                allowConfigWarnings: Bool = false, fileID: String = #fileID, line: Int = #line,
                body: @escaping @Sendable (TestContext) async throws -> Void) {
        self.metadata = metadata
        self.config = config
        self.memoryMiB = memoryMiB
        self.allowConfigWarnings = allowConfigWarnings
        self.location = "\(fileID):\(line)"
        self.body = body
    }
}

/// The list of tests Kiln knows: one value, built without side effects, checked once.
public struct TestRegistry: Sendable {
    public let tests: [RegisteredTest]

    /// - Throws: `RegistryError` for a duplicate name (naming both places), a cluster size
    ///   below 1, or a non-positive timeout.
    public init(_ tests: [RegisteredTest]) throws(RegistryError) {
        var seen: [String: String] = [:]
        for test in tests {
            let name = test.metadata.name
            if let first = seen[name] {
                throw RegistryError(message: "test \(name) is registered twice: at \(first) and at \(test.location)")
            }
            seen[name] = test.location
            if test.metadata.clusterSize < 1 {
                throw RegistryError(message: "test \(name) (\(test.location)) must boot at least one machine (clusterSize \(test.metadata.clusterSize))")
            }
            if test.metadata.timeout <= .zero {
                throw RegistryError(message: "test \(name) (\(test.location)) has a non-positive timeout")
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
