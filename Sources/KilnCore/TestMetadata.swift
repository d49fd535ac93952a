/// What Kiln knows about a registered test without running it: the part of a test that
/// `kiln list` prints and selection reads.
public struct TestMetadata: Sendable, Equatable, Codable {
    /// Unique dotted name, e.g. `basic.ssh`.
    public var name: String
    public var description: String
    /// How many machines the test boots (at least one).
    public var clusterSize: Int
    /// The whole test's budget: boot, every command, every check.
    public var timeout: Duration
    public var tags: [String]
    /// The test runs only when this tag is asked for with `--tag`.
    public var requiredTag: String?
    /// The platforms the test may run on; empty means all.
    public var platforms: [String]

    /// kola's default per-test timeout.
    public static let defaultTimeout: Duration = .seconds(600)

    public init(name: String, description: String, clusterSize: Int = 1, timeout: Duration = defaultTimeout,
                tags: [String] = [], requiredTag: String? = nil, platforms: [String] = []) {
        self.name = name
        self.description = description
        self.clusterSize = clusterSize
        self.timeout = timeout
        self.tags = tags
        self.requiredTag = requiredTag
        self.platforms = platforms
    }

    enum CodingKeys: String, CodingKey {
        case name, description, clusterSize, timeout = "timeoutSeconds", tags, requiredTag, platforms
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decode(String.self, forKey: .description)
        clusterSize = try c.decode(Int.self, forKey: .clusterSize)
        timeout = .seconds(try c.decode(Double.self, forKey: .timeout))
        tags = try c.decode([String].self, forKey: .tags)
        requiredTag = try c.decodeIfPresent(String.self, forKey: .requiredTag)
        platforms = try c.decode([String].self, forKey: .platforms)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(clusterSize, forKey: .clusterSize)
        try c.encode(timeout.seconds, forKey: .timeout)
        try c.encode(tags, forKey: .tags)
        try c.encodeIfPresent(requiredTag, forKey: .requiredTag)
        try c.encode(platforms, forKey: .platforms)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
