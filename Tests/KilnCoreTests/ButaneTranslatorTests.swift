import Testing

@testable import KilnCore

/// A files directory in memory, for translator tests without disk.
struct MemoryFiles: ButaneFileSource {
    var files: [String: String]

    func contents(of path: String) throws(ButaneFileError) -> [UInt8] {
        guard let text = files[path] else { throw ButaneFileError("local path \"\(path)\" does not exist") }
        return Array(text.utf8)
    }

    func tree(at path: String) throws(ButaneFileError) -> [ButaneTreeEntry] {
        files.keys.filter { $0.hasPrefix(path + "/") }.sorted().map {
            ButaneTreeEntry(path: String($0.dropFirst(path.count + 1)), kind: .file(contents: Array(files[$0]!.utf8), executable: false))
        }
    }
}

struct ButaneTranslatorTests {
    static func translate(_ yaml: String, files: [String: String] = [:]) throws -> ButaneTranslation {
        try ButaneTranslator(files: MemoryFiles(files: files)).translate(yaml, source: "t.bu")
    }

    @Test func variantsMapToIgnitionSpecs() throws {
        let expected = ["1.0.0": "3.0.0", "1.1.0": "3.1.0", "1.2.0": "3.2.0", "1.3.0": "3.2.0",
                        "1.4.0": "3.3.0", "1.5.0": "3.4.0", "1.6.0": "3.5.0"]
        for (butane, ignition) in expected {
            let result = try Self.translate("variant: fcos\nversion: \(butane)\n")
            #expect(result.config?.rendered == #"{"ignition":{"version":"\#(ignition)"}}"#)
        }
    }

    @Test func numbersAreReadAsButaneReadsThem() {
        func integer(_ text: String) -> Int? { YAMLNode(.scalar(text, plain: true), at: .init(line: 1, column: 1)).integerValue }
        #expect(integer("0644") == 0o644)
        #expect(integer("0o755") == 0o755)
        #expect(integer("420") == 420)
        #expect(integer("0x1F") == 31)
        #expect(integer("-3") == -3)
        #expect(integer("0") == 0)
        #expect(integer("089") == nil)
        #expect(integer("1.5") == nil)
        #expect(YAMLNode(.scalar("0644", plain: false), at: .init(line: 1, column: 1)).integerValue == nil)
    }

    @Test func fieldNamesAreSnakeCase() {
        #expect(ButaneWalker.snakeName("sshAuthorizedKeys") == "ssh_authorized_keys")
        #expect(ButaneWalker.snakeName("sizeMiB") == "size_mib")
        #expect(ButaneWalker.snakeName("httpResponseHeaders") == "http_response_headers")
        #expect(ButaneWalker.snakeName("name") == "name")
    }

    @Test func inlineTextBecomesAPercentEncodedDataURL() throws {
        let result = try Self.translate("""
            variant: fcos
            version: 1.4.0
            storage:
              files:
                - path: /etc/motd
                  contents:
                    inline: "hi there\\n"
            """)
        #expect(result.config?.rendered == #"{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/etc/motd","contents":{"source":"data:,hi%20there%0A"}}]}}"#)
    }

    @Test func binaryishContentsUseBase64WhenShorter() {
        #expect(makeDataURL(Array("////////////".utf8)) == "data:;base64,Ly8vLy8vLy8vLy8v")
        #expect(makeDataURL([]) == "data:,")
    }

    @Test func localPathsStayInsideTheFilesDirectory() {
        #expect(throws: ButaneFileError.self) { try normalizedLocalPath("../x") }
        #expect(throws: ButaneFileError.self) { try normalizedLocalPath("/etc/passwd") }
        #expect(throws: ButaneFileError.self) { try normalizedLocalPath("a/../../x") }
        #expect((try? normalizedLocalPath("a/./b/../c")) == "a/c")
    }

    @Test func errorsPointAtTheYAML() throws {
        let result = try Self.translate("""
            variant: fcos
            version: 1.4.0
            storage:
              files:
                - path: relative
                  mode: 0644
            """)
        #expect(result.config == nil)
        #expect(result.diagnostics.map(\.description) == ["error at $.storage.files.0.path, line 5 col 13: path not absolute"])
    }

    @Test func aConfigThatIsNotAMappingIsRefused() {
        #expect(throws: ConfigError.self) { _ = try Self.translate("- a\n- b\n") }
        #expect(throws: ConfigError.self) { _ = try Self.translate("") }
    }

    @Test func sshKeysFromLocalFilesFollowInlineOnes() throws {
        let result = try Self.translate("""
            variant: fcos
            version: 1.5.0
            passwd:
              users:
                - name: core
                  ssh_authorized_keys: [k1]
                  ssh_authorized_keys_local: [keys]
            """, files: ["keys": "k2\n\nk3\n"])
        #expect(result.config?.json["passwd"]?["users"]?.arrayValue?.first?["sshAuthorizedKeys"] == ["k1", "k2", "k3"])
    }
}
