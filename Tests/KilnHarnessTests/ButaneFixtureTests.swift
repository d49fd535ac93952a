import Foundation
import KilnCore
import KilnHarness
import KilnTesting
import Testing

/// The Butane fixtures under fixtures/butane: translations byte-identical to the committed
/// Ignition goldens, which Ignition's own validator accepts; and every invalid fixture's findings
/// as committed in invalid/expected.txt.
struct ButaneFixtureTests {
    static let loader: ConfigLoader = {
        ConfigLoader(filesDirectory: try! FilesDirectory(Fixtures.path("butane/files")))  // swiftlint:disable:this force_try
    }()

    static func fixtures(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path(folder))) ?? [])
            .filter { $0.hasSuffix(".bu") }.sorted()
    }

    @Test func thereAreValidAndInvalidFixtures() {
        #expect(Self.fixtures(in: "butane").count >= 6)
        #expect(Self.fixtures(in: "butane/invalid").count >= 20)
    }

    @Test(arguments: fixtures(in: "butane"))
    func translationMatchesGolden(_ file: String) throws {
        let loaded = try Self.loader.load(path: Fixtures.path("butane/\(file)"))
        #expect(loaded.format == .butane)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let config = try #require(loaded.config)
        let golden = "butane/" + file.replacingOccurrences(of: ".bu", with: ".ign")
        let mismatch = Fixtures.compareGolden(config.json.serialized(pretty: true) + "\n", golden)
        #expect(mismatch == nil, "\(mismatch ?? "")")
        // The golden is one Ignition accepts as it is.
        #expect(IgnitionValidator.validate(try JSONDocument(parsing: try Fixtures.text(golden))).isEmpty)
    }

    /// Debian's ignition-validate (2.14) knows specs up to 3.3.0 and 3.4.0-experimental: newer
    /// goldens are checked in their down-converted 3.3.0 form, or must fail conversion naming a
    /// 3.4.0 field.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ignition-validate")),
          arguments: fixtures(in: "butane"))
    func ignitionValidateAcceptsGolden(_ file: String) async throws {
        let golden = Fixtures.path("butane/" + file.replacingOccurrences(of: ".bu", with: ".ign"))
        var config = try IgnitionConfig(parsing: try String(contentsOfFile: golden, encoding: .utf8), source: golden)
        if config.version > .v3_3 {
            do {
                config = try config.converted(to: .v3_3, source: golden)
            } catch {
                #expect(file == "luks-tang-1.5.bu", "unexpected conversion failure: \(error)")
                #expect(error.path == "$.storage.luks.0.discard")
                return
            }
        }
        let path = NSTemporaryDirectory() + "kiln-butane-\(UUID().uuidString).ign"
        try Data(config.rendered.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rejection = await MachineConfigRenderer.ignitionValidate(path)
        #expect(rejection == nil, "\(file): \(rejection ?? "")")
    }

    @Test func invalidFixturesMatchExpectedFindings() throws {
        var lines: [String] = []
        for file in Self.fixtures(in: "butane/invalid") {
            let findings: [String]
            do {
                let loaded = try Self.loader.load(path: Fixtures.path("butane/invalid/\(file)"))
                findings = loaded.diagnostics.map(\.description)
                #expect(!loaded.diagnostics.isEmpty, "\(file) has no findings")
            } catch {
                findings = ["fatal: \(error.description.replacingOccurrences(of: Fixtures.path("butane/invalid/"), with: ""))"]
            }
            lines += findings.map { "\(file): \($0)" }
        }
        let mismatch = Fixtures.compareGolden(lines.joined(separator: "\n") + "\n", "butane/invalid/expected.txt")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }
}
