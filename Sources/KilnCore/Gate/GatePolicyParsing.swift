/// Reading a gate policy from its YAML file, strictly: an unknown key, a value of the wrong
/// type, a bad duration, rate, glob, arch or platform is an error naming the file, line and
/// column, the key path and what was expected.
extension GatePolicy {
    /// The keys of the document.
    public static let keys = ["streams", "arches", "platforms"]
    /// The keys of one stream's policy.
    public static let streamKeys = ["from", "soak", "required", "upgrade-from-current", "flakes", "always-fail-blocks"]
    /// The keys of one `required` rule.
    public static let ruleKeys = ["tests", "tag", "arch", "platform"]
    /// The keys of `flakes`.
    public static let flakeKeys = ["rerun-pass-counts", "max-rate", "window"]

    /// Parses the YAML text of a policy; `source` names the file in errors.
    public init(parsing text: String, source: String) throws(GatePolicyError) {
        let reader = GatePolicyReader(source: source)
        let root: YAMLNode?
        do {
            root = try YAMLNode.parse(text, source: source)
        } catch {
            throw GatePolicyError(source: source, position: error.position, path: "", message: error.message)
        }
        guard let root, !root.isNull else {
            throw GatePolicyError(source: source, position: nil, path: "",
                                  message: "the policy is empty; it needs \"streams\", a mapping from target stream to its requirements")
        }
        let pairs = try reader.mapping(root, "", "a mapping with \"streams\", \"arches\" and \"platforms\"", known: Self.keys)
        var arches = ["x86_64"]
        var platforms = ["qemu"]
        for pair in pairs {
            switch pair.key {
            case "arches": arches = try reader.strings(pair.value, "arches", allowed: Self.knownArches)
            case "platforms": platforms = try reader.strings(pair.value, "platforms", allowed: Self.knownPlatforms)
            default: break
            }
        }
        guard let streamsNode = pairs.first(where: { $0.key == "streams" })?.value else {
            throw reader.error(root, "", "missing \"streams\", a mapping from target stream to its requirements")
        }
        guard case .mapping(let named) = streamsNode.kind, !named.isEmpty else {
            throw reader.expected(streamsNode, "streams", "a non-empty mapping from target stream to its requirements")
        }
        self.init(streams: [], arches: arches, platforms: platforms)
        for pair in named {
            streams.append(try stream(pair.key, pair.value, reader: reader))
        }
    }

    private func stream(_ name: String, _ node: YAMLNode, reader: GatePolicyReader) throws(GatePolicyError) -> StreamGatePolicy {
        let path = "streams.\(name)"
        let pairs = try reader.mapping(node, path, "a mapping with \(Self.streamKeys.joined(separator: ", "))",
                                       known: Self.streamKeys)
        var policy = StreamGatePolicy(name: name, from: [])
        for pair in pairs {
            let keyPath = "\(path).\(pair.key)"
            switch pair.key {
            case "from":
                policy.from = try reader.strings(pair.value, keyPath)
                if let index = policy.from.firstIndex(of: name), case .sequence(let items) = pair.value.kind {
                    throw reader.error(items[index], "\(keyPath)[\(index)]", "a stream cannot be promoted from itself")
                }
            case "soak": policy.soak = try reader.duration(pair.value, keyPath)
            case "required":
                guard case .sequence(let items) = pair.value.kind else {
                    throw reader.expected(pair.value, keyPath, "a list of rules, each with \"tests\" (a glob) or \"tag\"")
                }
                for (index, item) in items.enumerated() {
                    policy.required.append(try rule(item, "\(keyPath)[\(index)]", reader: reader))
                }
            case "upgrade-from-current": policy.upgradeFromCurrent = try reader.bool(pair.value, keyPath)
            case "flakes": policy.flakes = try flakes(pair.value, keyPath, reader: reader)
            default: policy.alwaysFailBlocks = try reader.bool(pair.value, keyPath)
            }
        }
        if policy.from.isEmpty {
            throw reader.error(node, path, "missing \"from\": the streams a build may come from (\"\(Self.noStream)\" for a build's first entry)")
        }
        return policy
    }

    private func rule(_ node: YAMLNode, _ path: String, reader: GatePolicyReader) throws(GatePolicyError) -> RequiredTestRule {
        let pairs = try reader.mapping(node, path, "a rule: a mapping with \"tests\" (a glob) or \"tag\", and optional \"arch\" and \"platform\"",
                                       known: Self.ruleKeys)
        var selector: RequiredTestRule.Selector?
        var arches: [String] = []
        var platforms: [String] = []
        for pair in pairs {
            let keyPath = "\(path).\(pair.key)"
            switch pair.key {
            case "tests", "tag":
                if selector != nil {
                    throw reader.error(pair.value, keyPath, "a rule names its tests by \"tests\" or by \"tag\", not both")
                }
                selector = pair.key == "tests" ? .tests(try reader.glob(pair.value, keyPath)) : .tag(try reader.string(pair.value, keyPath))
            case "arch": arches = try reader.strings(pair.value, keyPath, allowed: self.arches)
            default: platforms = try reader.strings(pair.value, keyPath, allowed: self.platforms)
            }
        }
        guard let selector else {
            throw reader.error(node, path, "missing \"tests\" (a glob over test names) or \"tag\"")
        }
        return RequiredTestRule(selector, arches: arches, platforms: platforms)
    }

    private func flakes(_ node: YAMLNode, _ path: String, reader: GatePolicyReader) throws(GatePolicyError) -> FlakePolicy {
        let pairs = try reader.mapping(node, path, "a mapping with \(Self.flakeKeys.joined(separator: ", "))", known: Self.flakeKeys)
        var flakes = FlakePolicy()
        var windowNode: YAMLNode?
        for pair in pairs {
            let keyPath = "\(path).\(pair.key)"
            switch pair.key {
            case "rerun-pass-counts": flakes.rerunPassCounts = try reader.bool(pair.value, keyPath)
            case "max-rate": flakes.maxRate = try reader.rate(pair.value, keyPath)
            default:
                flakes.window = try reader.positiveInteger(pair.value, keyPath)
                windowNode = pair.value
            }
        }
        if let windowNode, flakes.maxRate == nil {
            throw reader.error(windowNode, "\(path).window", "\"window\" has no effect without \"max-rate\"")
        }
        return flakes
    }
}
