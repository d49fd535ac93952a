public import Foundation

extension BuildsIndex {
    /// `builds.json` with the build `version` on `arches` added, as coreos-assembler keeps it:
    /// newest first (the build goes before the first older version), `timestamp` set to `at`.
    /// A build already listed gets the architectures it lacked. The document's other members
    /// and entries are kept as they were; `document` nil starts a new file (`schema-version`
    /// 1.0.0). `source` names the file in errors.
    /// - Throws: when the document is not a `builds.json`.
    public static func adding(version: String, arches: [String], to document: JSONValue?, at: Date,
                              source: String) throws(BuildMetadataError) -> JSONValue {
        let object = document ?? .object([JSONMember(key: "schema-version", value: "1.0.0"), JSONMember(key: "builds", value: [])])
        guard object.objectMembers != nil, var builds = (object["builds"] ?? .array([])).arrayValue else {
            throw BuildMetadataError(source: source, message: "builds: expected a list of {id, arches}")
        }
        var position: Int?
        for (index, entry) in builds.enumerated() {
            guard let id = entry["id"]?.stringValue, let listed = entry["arches"]?.arrayValue else {
                throw BuildMetadataError(source: source, message: "builds[\(index)]: expected {\"id\": version, \"arches\": [...]}")
            }
            if id == version {
                let missing = arches.filter { !listed.contains(.string($0)) }.map(JSONValue.string)
                builds[index] = entry.setting("arches", to: .array(listed + missing))
                position = index
                break
            }
        }
        if position == nil {
            let entry = JSONValue.object([JSONMember(key: "id", value: .string(version)),
                                          JSONMember(key: "arches", value: .array(arches.map(JSONValue.string)))])
            let older = builds.firstIndex { BuildVersion($0["id"]?.stringValue ?? "") < BuildVersion(version) }
            builds.insert(entry, at: older ?? builds.count)
        }
        return object.setting("builds", to: .array(builds)).setting("timestamp", to: .string(GateFormatting.timestamp(at)))
    }
}
