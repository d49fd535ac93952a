/// A test the gate knows of, whether or not it ever ran: required rules (globs and tags) are
/// resolved against these names, so a required test without a result is seen as missing.
public struct GateTest: Sendable, Equatable {
    /// The test's name, as globs match it.
    public var name: String
    /// Its tags, as `tag` rules match them.
    public var tags: [String]

    public init(name: String, tags: [String] = []) {
        self.name = name
        self.tags = tags
    }

    /// A registered test's name and tags.
    public init(_ metadata: TestMetadata) {
        self.init(name: metadata.name, tags: metadata.tags)
    }
}
