import Testing

@testable import KilnCore

struct SelectionTests {
    let tests = [
        TestMetadata(name: "basic.ssh", description: "", tags: ["basic"]),
        TestMetadata(name: "basic.ignition", description: "", tags: ["basic", "ignition"]),
        TestMetadata(name: "ext.config.slow", description: "", tags: ["slow"], requiredTag: "slow"),
        TestMetadata(name: "cloud.only", description: "", platforms: ["aws"]),
    ]

    func names(_ selection: TestSelection) throws -> [String] {
        try selection.select(from: tests).map(\.name)
    }

    @Test func globsSelectByName() throws {
        #expect(try names(TestSelection(patterns: ["basic.*"], platform: "qemu")) == ["basic.ssh", "basic.ignition"])
        #expect(try names(TestSelection(patterns: ["*.ss?"], platform: "qemu")) == ["basic.ssh"])
        #expect(try names(TestSelection(patterns: ["basic.[is]*"], platform: "qemu")) == ["basic.ssh", "basic.ignition"])
    }

    @Test func requiredTagsAndPlatformsFilter() throws {
        #expect(try names(TestSelection(patterns: [], platform: "qemu")) == ["basic.ssh", "basic.ignition"])
        #expect(try names(TestSelection(patterns: [], tags: ["slow"], platform: "qemu")) == ["ext.config.slow"])
        #expect(try names(TestSelection(patterns: ["basic.*"], tags: ["!ignition"], platform: "qemu")) == ["basic.ssh"])
    }

    @Test func aPatternMatchingNothingIsAnError() {
        #expect(throws: SelectionError(message: "pattern 'nope.*' matches no registered test (see 'kiln list')")) {
            try TestSelection(patterns: ["basic.*", "nope.*"], platform: "qemu").select(from: tests)
        }
        #expect(throws: SelectionError.self) {
            try TestSelection(patterns: ["cloud.only"], platform: "qemu").select(from: tests)
        }
    }

    @Test(arguments: [
        ("*", "anything", true), ("a*c", "abbbc", true), ("a*c", "abbbd", false), ("a?c", "abc", true),
        ("[!a]x", "bx", true), ("[!a]x", "ax", false), ("[a-c]", "b", true), ("[", "[", true), ("a**b", "ab", true),
    ])
    func globMatches(pattern: String, name: String, expected: Bool) {
        #expect(Glob(pattern).matches(name) == expected)
    }
}
