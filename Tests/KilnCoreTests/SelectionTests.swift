import Testing

@testable import KilnCore

struct SelectionTests {
    let tests = [
        TestMetadata(name: "basic.ssh", description: "", tags: ["basic"]),
        TestMetadata(name: "basic.ignition", description: "", tags: ["basic", "ignition"]),
        TestMetadata(name: "ext.config.slow", description: "", tags: ["slow"], requiredTag: "slow"),
        TestMetadata(name: "cloud.only", description: "", constraints: TestConstraints(platforms: ["aws"])),
        TestMetadata(name: "bios.only", description: "", constraints: TestConstraints(excludeFirmwares: ["uefi"])),
        TestMetadata(name: "not.stable", description: "", constraints: TestConstraints(excludeStreams: ["stable"])),
    ]

    let qemu = RunTarget(platform: "qemu", architecture: "x86_64", stream: "testing", firmware: "bios")

    func names(_ selection: TestSelection) throws -> [String] {
        try selection.select(from: tests).map(\.name)
    }

    @Test func globsSelectByName() throws {
        #expect(try names(TestSelection(patterns: ["basic.*"], target: qemu)) == ["basic.ssh", "basic.ignition"])
        #expect(try names(TestSelection(patterns: ["*.ss?"], target: qemu)) == ["basic.ssh"])
        #expect(try names(TestSelection(patterns: ["basic.[is]*"], target: qemu)) == ["basic.ssh", "basic.ignition"])
    }

    @Test func requiredTagsAndPlatformsFilter() throws {
        #expect(try names(TestSelection(patterns: [], target: qemu)) == ["basic.ssh", "basic.ignition", "bios.only", "not.stable"])
        let stableUEFI = RunTarget(platform: "qemu", architecture: "x86_64", stream: "stable", firmware: "uefi")
        #expect(try names(TestSelection(patterns: [], target: stableUEFI)) == ["basic.ssh", "basic.ignition"])
        #expect(TestConstraints(excludeStreams: ["stable"]).excludes(stableUEFI) == "stream stable is excluded")
        #expect(try names(TestSelection(patterns: [], tags: ["slow"], target: qemu)) == ["ext.config.slow"])
        #expect(try names(TestSelection(patterns: ["basic.*"], tags: ["!ignition"], target: qemu)) == ["basic.ssh"])
    }

    @Test func aPatternMatchingNothingIsAnError() {
        #expect(throws: SelectionError(message: "pattern 'nope.*' matches no registered test (see 'kiln list')")) {
            try TestSelection(patterns: ["basic.*", "nope.*"], target: qemu).select(from: tests)
        }
        #expect(throws: SelectionError.self) {
            try TestSelection(patterns: ["cloud.only"], target: qemu).select(from: tests)
        }
    }

    @Test func shardsPartitionTheSelection() throws {
        let items = Array(1...7)
        let parts = try (1...3).map { try Shard("\($0)/3").take(items) }
        #expect(parts == [[1, 4, 7], [2, 5], [3, 6]])
        #expect(throws: SelectionError.self) { try Shard("0/3") }
        #expect(throws: SelectionError.self) { try Shard("4/3") }
        #expect(throws: SelectionError.self) { try Shard("x") }
    }

    @Test(arguments: [
        ("*", "anything", true), ("a*c", "abbbc", true), ("a*c", "abbbd", false), ("a?c", "abc", true),
        ("[!a]x", "bx", true), ("[!a]x", "ax", false), ("[a-c]", "b", true), ("[", "[", true), ("a**b", "ab", true),
    ])
    func globMatches(pattern: String, name: String, expected: Bool) {
        #expect(Glob(pattern).matches(name) == expected)
    }
}
