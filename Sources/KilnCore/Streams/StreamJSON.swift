internal import Foundation

/// The notations the stream metadata files share: their text, numbers and instants.
enum StreamJSON {
    /// The file's text: indented by two spaces, `"key": value`, a final newline, as Fedora
    /// CoreOS's tools write it.
    static func text(_ value: JSONValue) -> String { value.serialized(pretty: true) + "\n" }

    /// A fraction as Python's `json` writes a float: `0.0`, `1.0`, `0.25`.
    static func number(_ value: Double) -> JSONValue {
        if value == value.rounded(), abs(value) < 1e15 { return .number("\(Int(value)).0") }
        return .number("\(value)")
    }

    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// `2026-07-21T14:07:12Z`: UTC, whole seconds.
    static func timestamp(_ date: Date) -> String { GateFormatting.timestamp(date) }

    /// Seconds since 1970, rounded down.
    static func epoch(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }

    /// A map as a JSON object, keys sorted, as Go's `encoding/json` writes maps.
    static func sortedObject<Value>(_ map: [String: Value], _ json: (Value) -> JSONValue) -> JSONValue {
        .object(map.sorted { $0.key < $1.key }.map { JSONMember(key: $0.key, value: json($0.value)) })
    }

    /// `{"last-modified": ...}` plus what else the object held.
    static func lastModified(_ value: String, _ extras: JSONObjectExtras) -> JSONValue {
        extras.object([("last-modified", .string(value))])
    }
}
