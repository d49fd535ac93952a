import Testing

@testable import KilnCore

struct JSONParserTests {
    @Test func parsesEveryKindOfValueAndKeepsMemberOrder() throws {
        let doc = try JSONDocument(parsing: #"{"z": 1, "a": [true, false, null, -0.5e3, "x\u00e9\n"], "m": {}}"#)
        #expect(doc.value.objectMembers?.map(\.key) == ["z", "a", "m"])
        #expect(doc.value["a"] == .array([.bool(true), .bool(false), .null, .number("-0.5e3"), .string("xé\n")]))
        #expect(doc.value.serialized() == #"{"z":1,"a":[true,false,null,-0.5e3,"xé\n"],"m":{}}"#)
    }

    @Test func recordsPositionsByIgnitionPath() throws {
        let doc = try JSONDocument(parsing: "{\n  \"storage\": {\n    \"files\": [\n      {\"path\": \"etc/x\"}\n    ]\n  }\n}")
        #expect(doc.positions["$.storage.files.0.path"] == SourcePosition(line: 4, column: 16))
        #expect(doc.positions["$.storage"] == SourcePosition(line: 2, column: 14))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1 col 9: unexpected character '}': expected a member name in double quotes"),
        ("{\"a\": 1 \"b\": 2}", "line 1 col 9: unexpected character '\"': expected ',' or '}'"),
        ("{\"a\": 1, \"a\": 2}", "line 1 col 10: duplicate key \"a\" in $"),
        ("[1, 2", "line 1 col 6: unexpected end of input in an array"),
        ("", "line 1 col 1: empty document: expected a JSON value"),
        ("{\"a\": tru}", "line 1 col 7: invalid literal: expected 'true'"),
        ("{\"a\": 01}", "line 1 col 8: invalid number: leading zero"),
        ("{\"a\": \"x\ny\"}", "line 1 col 9: control character byte 0xa in a string: escape it"),
        ("{} {}", "line 1 col 4: unexpected character '{' after the end of the JSON value"),
        ("{\n  // comment\n}", "line 2 col 3: unexpected character '/': expected a member name in double quotes"),
    ])
    func rejectsMalformedJSONWithWhere(text: String, expected: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONDocument(parsing: text) }
        do {
            _ = try JSONDocument(parsing: text)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func decodesSurrogatePairsAndReplacesLoneOnesAsGoDoes() throws {
        #expect(try JSONDocument(parsing: #""\ud83d\ude00""#).value == .string("😀"))
        #expect(try JSONDocument(parsing: #""\ud83d""#).value == .string("\u{FFFD}"))
        #expect(try JSONDocument(parsing: #""\ude00x""#).value == .string("\u{FFFD}x"))
        #expect(try JSONDocument(parsing: #""\ud83d\u0041""#).value == .string("\u{FFFD}A"))
    }

    @Test func columnsCountCharactersNotBytes() {
        do {
            _ = try JSONDocument(parsing: "{\"é\": x}")
            Issue.record("accepted")
        } catch {
            #expect(error.position == SourcePosition(line: 1, column: 7))
        }
    }

    @Test func refusesAbsurdNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONSyntaxError.self) { try JSONDocument(parsing: deep) }
    }

    @Test func roundTripsThroughTheWriter() throws {
        let text = #"{"a":[1,2.5,"q\"uote\\"],"b":{"c":null,"d":"\u0001"}}"#
        let value = try JSONDocument(parsing: text).value
        #expect(try JSONDocument(parsing: value.serialized()).value == value)
        #expect(try JSONDocument(parsing: value.serialized(pretty: true)).value == value)
    }
}
