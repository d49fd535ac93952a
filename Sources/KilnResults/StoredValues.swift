import Foundation
import KilnCore

/// Outcomes as stored: `TestOutcome`'s raw values.
enum StoredOutcome {
    static func decode(_ text: String?) throws(ResultsDatabaseError) -> TestOutcome {
        guard let text, let outcome = TestOutcome(rawValue: text) else {
            throw .corrupt("an outcome Kiln does not know: \(text ?? "NULL")")
        }
        return outcome
    }
}

/// JSON columns (tags, machines), in the format of `report.json`.
enum StoredJSON {
    static func strings(_ values: [String]) -> String { encode(values) }

    static func machines(_ machines: [MachineReport]) -> String { encode(machines) }

    static func decodeStrings(_ text: String) throws(ResultsDatabaseError) -> [String] { try decode(text) }

    static func decodeMachines(_ text: String) throws(ResultsDatabaseError) -> [MachineReport] { try decode(text) }

    private static func encode<T: Encodable & Collection>(_ value: T) -> String {
        if value.isEmpty { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Arrays of strings and of Codable structs always encode.
        return String(decoding: (try? encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
    }

    private static func decode<T: Decodable & RangeReplaceableCollection>(_ text: String) throws(ResultsDatabaseError) -> T {
        if text == "[]" { return T() }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw .corrupt("malformed JSON (\(error)): \(text.prefix(80))")
        }
    }
}
