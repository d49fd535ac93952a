/// Typed, strict reads of the policy's YAML nodes; every failure is a `GatePolicyError` naming
/// the file, the node's position, its key path and what was expected.
struct GatePolicyReader {
    let source: String

    func error(_ node: YAMLNode, _ path: String, _ message: String) -> GatePolicyError {
        GatePolicyError(source: source, position: node.position, path: path, message: message)
    }

    /// `expected X, found a string "abc"`.
    func expected(_ node: YAMLNode, _ path: String, _ what: String) -> GatePolicyError {
        error(node, path, "expected \(what), found \(Self.described(node))")
    }

    /// The pairs of a mapping whose keys are all in `known`.
    func mapping(_ node: YAMLNode, _ path: String, _ what: String, known: [String]) throws(GatePolicyError) -> [YAMLPair] {
        guard case .mapping(let pairs) = node.kind else { throw expected(node, path, what) }
        for pair in pairs where !known.contains(pair.key) {
            throw GatePolicyError(source: source, position: pair.keyPosition, path: path,
                                  message: "unknown key \"\(pair.key)\" (expected one of: \(known.joined(separator: ", ")))")
        }
        return pairs
    }

    func string(_ node: YAMLNode, _ path: String) throws(GatePolicyError) -> String {
        guard case .scalar(let text, _) = node.kind, !node.isNull, !text.isEmpty else {
            throw expected(node, path, "a non-empty string")
        }
        return text
    }

    /// A non-empty list of non-empty strings; with `allowed`, each must be one of them.
    func strings(_ node: YAMLNode, _ path: String, allowed: [String]? = nil) throws(GatePolicyError) -> [String] {
        guard case .sequence(let items) = node.kind, !items.isEmpty else {
            throw expected(node, path, "a non-empty list of strings, like [\(allowed?.first ?? "a, b")]")
        }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            let text = try string(item, "\(path)[\(index)]")
            if let allowed, !allowed.contains(text) {
                throw error(item, "\(path)[\(index)]", "expected one of \(allowed.joined(separator: ", ")), found \"\(text)\"")
            }
            if strings.contains(text) { throw error(item, "\(path)[\(index)]", "\"\(text)\" is listed twice") }
            strings.append(text)
        }
        return strings
    }

    func bool(_ node: YAMLNode, _ path: String) throws(GatePolicyError) -> Bool {
        guard let flag = node.boolValue else { throw expected(node, path, "true or false") }
        return flag
    }

    /// A whole number of at least 1, written in decimal.
    func positiveInteger(_ node: YAMLNode, _ path: String) throws(GatePolicyError) -> Int {
        guard case .scalar(let text, plain: true) = node.kind, let value = Int(text), value >= 1 else {
            throw expected(node, path, "a whole number of at least 1")
        }
        return value
    }

    func duration(_ node: YAMLNode, _ path: String) throws(GatePolicyError) -> GateDuration {
        guard case .scalar(let text, plain: true) = node.kind, let duration = GateDuration(text) else {
            throw expected(node, path, "a duration such as 14d, 36h or 1d12h (units w, d, h, m, s)")
        }
        return duration
    }

    /// A share between 0 and 1: `0.2`, or a percentage `20%`.
    func rate(_ node: YAMLNode, _ path: String) throws(GatePolicyError) -> Double {
        let what = "a rate between 0 and 1 (0.2) or a percentage (20%)"
        guard case .scalar(let text, plain: true) = node.kind, !text.isEmpty else { throw expected(node, path, what) }
        let value: Double?
        if text.hasSuffix("%") {
            value = Self.decimal(text.dropLast()).map { $0 / 100 }
        } else {
            value = Self.decimal(Substring(text))
        }
        guard let value, (0...1).contains(value) else { throw expected(node, path, what) }
        return value
    }

    /// A glob over test names, refusing a `[` without its `]`.
    func glob(_ node: YAMLNode, _ path: String) throws(GatePolicyError) -> Glob {
        let pattern = try string(node, path)
        let glob = Glob(pattern)
        if let offset = glob.unterminatedBracketOffset {
            throw error(node, path, "expected a glob over test names, found \"\(pattern)\" with a \"[\" at offset \(offset) that no \"]\" closes")
        }
        return glob
    }

    /// Plain decimal notation only (`0.25`, `20`): no exponent, sign, `inf` or `nan`.
    private static func decimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.count(where: { $0 == "." }) <= 1, text != "."
        else { return nil }
        return Double(text)
    }

    /// `a string "abc"`, `a list`, `an integer 3`, `null`: a node, for messages.
    static func described(_ node: YAMLNode) -> String {
        let name = node.typeName
        if name == "null" { return "nothing" }
        let article = name == "integer" ? "an" : "a"
        if case .scalar(let text, _) = node.kind { return "\(article) \(name) \"\(text)\"" }
        return "\(article) \(name)"
    }
}
