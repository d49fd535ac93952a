import Foundation
import KilnTesting
import Testing

@testable import KilnCore

/// The corpus under fixtures/ignition/corpus: every config's verdict, path and message against
/// expected.json, and against Ignition's own `ignition-validate`.
enum IgnitionCorpus {
    static let directory = "ignition/corpus"

    /// One entry of expected.json.
    struct Expectation: Sendable {
        var verdict: String
        var path: String?
        var message: String?
    }

    /// expected.json, keyed by file (`valid/minimal-3.0.0.ign`); empty when it cannot be read,
    /// which `expectationsCoverTheCorpus` reports.
    static let expectations: [String: Expectation] = {
        guard let text = try? Fixtures.text("\(directory)/expected.json"),
            let document = try? JSONDocument(parsing: text), let members = document.value.objectMembers
        else { return [:] }
        var result: [String: Expectation] = [:]
        for member in members {
            result[member.key] = Expectation(verdict: member.value["verdict"]?.stringValue ?? "<missing>",
                                             path: member.value["path"]?.stringValue,
                                             message: member.value["message"]?.stringValue)
        }
        return result
    }()

    static let files: [String] = expectations.keys.sorted()

    /// The `.ign` files actually in valid/ and invalid/.
    static func filesOnDisk() -> [String] {
        ["valid", "invalid"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("\(directory)/\(folder)"))) ?? [])
                .filter { $0.hasSuffix(".ign") }.map { "\(folder)/\($0)" }
        }.sorted()
    }

    static func validate(_ file: String) throws -> [ConfigDiagnostic] {
        IgnitionValidator.validate(try JSONDocument(parsing: try Fixtures.text("\(directory)/\(file)")))
    }

    /// clean, warning or error: the worst diagnostic.
    static func verdict(_ diagnostics: [ConfigDiagnostic]) -> String {
        if diagnostics.containsError { return "error" }
        return diagnostics.isEmpty ? "clean" : "warning"
    }
}

struct IgnitionValidatorCorpusTests {
    @Test func expectationsCoverTheCorpus() {
        let onDisk = IgnitionCorpus.filesOnDisk()
        #expect(onDisk == IgnitionCorpus.files)
        #expect(onDisk.count { $0.hasPrefix("valid/") } >= 40)
        #expect(onDisk.count { $0.hasPrefix("invalid/") } >= 40)
        for (file, expectation) in IgnitionCorpus.expectations {
            // valid/ holds what Ignition accepts (perhaps with warnings), invalid/ what it refuses.
            #expect((expectation.verdict == "error") == file.hasPrefix("invalid/"), "\(file)")
            #expect(["clean", "warning", "error"].contains(expectation.verdict), "\(file)")
            #expect((expectation.verdict == "clean") == (expectation.path == nil), "\(file): a finding needs its path")
        }
    }

    @Test(arguments: IgnitionCorpus.files)
    func verdictPathAndMessageMatchExpected(file: String) throws {
        let expectation = try #require(IgnitionCorpus.expectations[file])
        let diagnostics = try IgnitionCorpus.validate(file)
        #expect(IgnitionCorpus.verdict(diagnostics) == expectation.verdict, "\(file): \(diagnostics)")
        guard let path = expectation.path else { return }
        let worst = diagnostics.filter { $0.severity.rawValue == expectation.verdict }
        let match = worst.first { $0.path == path && $0.message.contains(expectation.message ?? "") }
        #expect(match != nil, "\(file): expected \(expectation.verdict) at \(path) containing \"\(expectation.message ?? "")\", got \(diagnostics)")
        // Every finding is placed in the file.
        #expect(diagnostics.allSatisfy { $0.position != nil }, "\(file): \(diagnostics)")
    }
}

/// The corpus against Debian's `ignition-validate` (Ignition 2.14, specs 3.0.0 to 3.3.0 and
/// 3.4.0-experimental): the same verdict, and where it names paths, the same paths.
struct IgnitionValidatorCrossCheckTests {
    static let executable = "/usr/bin/ignition-validate"

    /// Versions newer than Ignition 2.14 knows; their files are checked against expected.json only.
    static let unknownToIgnition214: Set<String> = ["3.4.0", "3.5.0"]

    static let files: [String] = IgnitionCorpus.files.filter { file in
        guard let text = try? Fixtures.text("\(IgnitionCorpus.directory)/\(file)"),
            let version = (try? JSONDocument(parsing: text))?.value["ignition"]?["version"]?.stringValue
        else { return true }
        return !unknownToIgnition214.contains(version)
    }

    /// One line of `ignition-validate` output: `error at $.path, line L col C: message`.
    struct Finding: Hashable, CustomStringConvertible {
        var severity: String
        var path: String
        var description: String { "\(severity) at \(path)" }
    }

    static func runIgnitionValidate(_ file: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [Fixtures.path("\(IgnitionCorpus.directory)/\(file)")]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func findings(in output: String) -> Set<Finding> {
        Set(output.split(separator: "\n").compactMap { line -> Finding? in
            for severity in ["error", "warning"] where line.hasPrefix("\(severity) at $") {
                let rest = line.dropFirst("\(severity) at ".count)
                guard let end = rest.firstIndex(where: { $0 == "," || $0 == ":" }) else { return nil }
                return Finding(severity: severity, path: String(rest[..<end]))
            }
            return nil
        })
    }

    @Test func theCrossCheckCoversMostOfTheCorpus() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "ignition-validate is not installed")
        #expect(Self.files.count >= 80)
    }

    @Test(arguments: files)
    func kilnAgreesWithIgnitionValidate(file: String) throws {
        let (status, output) = try Self.runIgnitionValidate(file)
        let theirs = Self.findings(in: output)
        let theirVerdict = status != 0 ? "error" : (theirs.contains { $0.severity == "warning" } ? "warning" : "clean")
        let diagnostics = try IgnitionCorpus.validate(file)
        #expect(IgnitionCorpus.verdict(diagnostics) == theirVerdict,
                "\(file): ignition-validate said \(output.isEmpty ? "nothing" : output), Kiln \(diagnostics)")
        // A JSON type error or an unknown version stops Ignition before it can name a path.
        guard !theirs.isEmpty else { return }
        let ours = Set(diagnostics.map { Finding(severity: $0.severity.rawValue, path: $0.path) })
        #expect(ours == theirs, "\(file): ignition-validate said \(output), Kiln \(diagnostics)")
    }
}
