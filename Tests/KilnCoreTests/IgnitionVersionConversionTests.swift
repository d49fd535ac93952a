import KilnTesting
import Testing

@testable import KilnCore

/// Converting configs between spec versions: up always, down only without newer fields or values.
struct IgnitionVersionConversionTests {
    static func config(_ text: String) throws -> IgnitionConfig { try IgnitionConfig(parsing: text, source: "c.ign") }

    @Test func upConversionRewritesTheVersionOnly() throws {
        let converted = try Self.config(#"{"ignition":{"version":"3.0.0"},"storage":{"files":[{"path":"/a"}]}}"#)
            .converted(to: .v3_5, source: "c.ign")
        #expect(converted.rendered == #"{"ignition":{"version":"3.5.0"},"storage":{"files":[{"path":"/a"}]}}"#)
    }

    @Test func downConversionWithoutNewerFieldsSucceeds() throws {
        let converted = try Self.config(#"{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core"}]}}"#)
            .converted(to: .v3_3, source: "c.ign")
        #expect(converted.version == .v3_3)
        #expect(IgnitionValidator.validate(JSONDocument(value: converted.json)).isEmpty)
    }

    @Test func downConversionNamesTheNewerField() throws {
        let config = try Self.config(#"{"ignition":{"version":"3.4.0"},"storage":{"luks":[{"name":"r","device":"/dev/vda","discard":true}]}}"#)
        #expect {
            _ = try config.converted(to: .v3_3, source: "c.ign")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.path == "$.storage.luks.0.discard" && error.message.contains("introduced in spec 3.4.0")
        }
    }

    @Test func downConversionNamesAValueTheOlderSpecRefuses() throws {
        let sha256 = String(repeating: "0", count: 64)
        let config = try Self.config(#"{"ignition":{"version":"3.1.0"},"storage":{"files":[{"path":"/a","contents":{"source":"https://e.com/a","verification":{"hash":"sha256-\#(sha256)"}}}]}}"#)
        #expect {
            _ = try config.converted(to: .v3_0, source: "c.ign")
        } throws: { error in
            (error as? ConfigError)?.path == "$.storage.files.0.contents.verification.hash"
        }
        let none = try Self.config(#"{"ignition":{"version":"3.3.0"},"storage":{"filesystems":[{"device":"/dev/vdb","format":"none"}]}}"#)
        #expect(throws: ConfigError.self) { _ = try none.converted(to: .v3_2, source: "c.ign") }
    }

    @Test func experimentalIsATarget() throws {
        let converted = try Self.config(#"{"ignition":{"version":"3.4.0"}}"#).converted(to: .v3_4_experimental, source: "c.ign")
        #expect(converted.rendered == #"{"ignition":{"version":"3.4.0-experimental"}}"#)
        #expect(throws: ConfigError.self) {
            _ = try converted.converted(to: IgnitionSpecVersion("3.9.0")!, source: "c.ign")
        }
    }

    /// parse → render → parse is the identity for every valid corpus config, and converting a
    /// clean one up to 3.5.0 and back down to its own version gives it back.
    @Test(arguments: IgnitionCorpus.files.filter { $0.hasPrefix("valid/") })
    func roundTrips(_ file: String) throws {
        let text = try Fixtures.text("\(IgnitionCorpus.directory)/\(file)")
        let config = try IgnitionConfig(parsing: text, source: file)
        let reparsed = try IgnitionConfig(parsing: config.json.serialized(pretty: true), source: file)
        #expect(reparsed == config)
        let clean = IgnitionValidator.validate(try JSONDocument(parsing: text)).isEmpty
        if clean {
            let back = try config.converted(to: .v3_5, source: file).converted(to: config.version, source: file)
            #expect(back == config)
        }
    }

    /// A field newer than its config's version is ignored by Ignition; converting up would make it
    /// take effect, so Kiln refuses that instead of changing what the config means.
    @Test func aFieldTheConfigsVersionIgnoresStopsConversion() throws {
        let config = try Self.config(#"{"ignition":{"version":"3.0.0","proxy":{"httpProxy":"http://p"}}}"#)
        #expect {
            _ = try config.converted(to: .v3_1, source: "c.ign")
        } throws: { error in
            (error as? ConfigError)?.path == "$.ignition.proxy"
        }
    }
}
