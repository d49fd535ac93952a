/// A value of a stream metadata file being read, with its key path for errors
/// (`releases[3].metadata`) and its position in the file.
///
/// Reading is strict about what Kiln models: a known field of the wrong type, a missing
/// required field, a percentage outside 0.0–1.0 are errors naming the file, line and column,
/// the field and what was expected. Unknown fields are kept (``JSONObjectExtras``).
struct StreamJSONNode {
    let value: JSONValue
    /// The key path as users read it: `releases[3].metadata.rollout`.
    let path: String
    /// The key path in ``JSONDocument``'s notation, for the position: `$.releases.3.metadata.rollout`.
    let pointer: String
    let source: String
    let positions: [String: SourcePosition]

    /// Parses `bytes` strictly (RFC 8259); `source` names the file in errors.
    static func parse(_ bytes: [UInt8], source: String) throws(StreamFileError) -> StreamJSONNode {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw StreamFileError(source: source, position: error.position, path: "", message: "not valid JSON: \(error.message)")
        }
        return StreamJSONNode(value: document.value, path: "", pointer: "$", source: source, positions: document.positions)
    }

    func error(_ message: String) -> StreamFileError {
        StreamFileError(source: source, position: positions[pointer], path: path, message: message)
    }

    /// `expected <what>, found <this value>`.
    func expected(_ what: String) -> StreamFileError {
        error("expected \(what), found \(found)")
    }

    private var found: String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .number(let literal): literal
        case .bool(let flag): "\(flag)"
        default: value.typeName
        }
    }

    func member(_ key: String, _ value: JSONValue) -> StreamJSONNode {
        StreamJSONNode(value: value, path: path.isEmpty ? key : "\(path).\(key)", pointer: "\(pointer).\(key)",
                       source: source, positions: positions)
    }

    func object(_ what: String) throws(StreamFileError) -> StreamJSONObject {
        guard case .object(let members) = value else { throw expected(what) }
        return StreamJSONObject(node: self, members: members)
    }

    func array(_ what: String) throws(StreamFileError) -> [StreamJSONNode] {
        guard case .array(let elements) = value else { throw expected(what) }
        return elements.enumerated().map { index, element in
            StreamJSONNode(value: element, path: "\(path)[\(index)]", pointer: "\(pointer).\(index)",
                           source: source, positions: positions)
        }
    }

    /// A non-empty string.
    func string(_ what: String = "a non-empty string") throws(StreamFileError) -> String {
        guard case .string(let text) = value, !text.isEmpty else { throw expected(what) }
        return text
    }

    /// 64 hexadecimal digits, as written.
    func sha256() throws(StreamFileError) -> String {
        let text = try string("a sha256 of 64 hexadecimal digits")
        guard text.utf8.count == 64, text.allSatisfy(\.isHexDigit) else { throw expected("a sha256 of 64 hexadecimal digits") }
        return text
    }

    /// A whole number within `range`.
    func int(_ what: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(StreamFileError) -> Int {
        guard let number = value.intValue, range.contains(number) else { throw expected(what) }
        return number
    }

    /// A number within `range`.
    func double(_ what: String, in range: ClosedRange<Double>) throws(StreamFileError) -> Double {
        guard case .number(let literal) = value, let number = Double(literal), range.contains(number) else {
            throw expected(what)
        }
        return number
    }

    /// An object read as a map from its keys to values read by `read`.
    func map<Value>(_ what: String, _ read: (StreamJSONNode) throws(StreamFileError) -> Value) throws(StreamFileError) -> [String: Value] {
        var result: [String: Value] = [:]
        for member in try object(what).members {
            result[member.key] = try read(self.member(member.key, member.value))
        }
        return result
    }
}

/// An object of a stream metadata file being read.
struct StreamJSONObject {
    let node: StreamJSONNode
    let members: [JSONMember]

    /// The member `key`, or nil when it is absent or null.
    func optional(_ key: String) -> StreamJSONNode? {
        guard let member = members.first(where: { $0.key == key }), member.value != .null else { return nil }
        return node.member(key, member.value)
    }

    /// The member `key`; an error saying what it should be when it is absent.
    func required(_ key: String, _ what: String) throws(StreamFileError) -> StreamJSONNode {
        guard let child = optional(key) else {
            throw StreamFileError(source: node.source, position: node.positions[node.pointer],
                                  path: node.path.isEmpty ? key : "\(node.path).\(key)", message: "missing; expected \(what)")
        }
        return child
    }

    /// The member `metadata`, `{"last-modified": timestamp, ...}`: the timestamp, the object
    /// (for the caller's other keys) and the members other than `known`.
    func lastModifiedMetadata(known: Set<String> = ["last-modified"]) throws(StreamFileError)
        -> (lastModified: String, object: StreamJSONObject, extras: JSONObjectExtras) {
        let what = "{\"last-modified\": timestamp}"
        let metadata = try required("metadata", what).object(what)
        return (try metadata.required("last-modified", "a timestamp").string(), metadata, metadata.extras(known: known))
    }

    /// The list `releases`, each read by `read`, each version once.
    func releases<Entry>(_ read: (StreamJSONNode) throws(StreamFileError) -> Entry,
                         version: (Entry) -> String) throws(StreamFileError) -> [Entry] {
        var entries: [Entry] = []
        for node in try required("releases", "a list of releases").array("a list of releases") {
            let entry = try read(node)
            if entries.contains(where: { version($0) == version(entry) }) {
                throw node.error("release \(version(entry)) is listed twice")
            }
            entries.append(entry)
        }
        return entries
    }

    /// The members other than `known`, and the order of all of them.
    func extras(known: Set<String>) -> JSONObjectExtras {
        JSONObjectExtras(unknown: members.filter { !known.contains($0.key) }, order: members.map(\.key))
    }
}
