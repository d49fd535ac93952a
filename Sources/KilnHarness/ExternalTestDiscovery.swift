import Foundation
public import KilnCore

/// An external test found on disk: a script that runs inside the guest, with what lies beside it.
public struct ExternalTest: Sendable, Equatable {
    /// `ext.<project>.<sub.dirs>.<exe>`.
    public var name: String
    /// The `<project>` of the name.
    public var project: String
    public var script: String
    /// `config.bu` or `config.ign` beside the script, merged into the machine's config.
    public var config: String?
    /// `data/` beside the script, uploaded for the test (`KOLA_EXT_DATA`, `KILN_EXT_DATA`).
    public var dataDirectory: String?
    public var metadata: ExternalTestMetadata
    /// The directory the project's tests were found in (`-E`'s DIR, or its `tests/kola`).
    public var projectDirectory: String = ""
}

/// Finds external tests as kola does: every executable file under a tests directory (except in
/// `data/` directories) is a test; a directory whose only executable is `test.sh` names the test
/// after itself. `-E DIR` takes `DIR/tests/kola` when it exists (a Fedora CoreOS config
/// repository), else `DIR`; the project is `NAME` in `-E NAME=DIR`, else DIR's base name.
public struct ExternalTestDiscovery {
    public var tests: [ExternalTest] = []
    /// Non-executable files that start with `#!`: probably tests someone forgot to `chmod +x`.
    public var warnings: [String] = []

    /// Every test under each of `arguments` (each as `init(_:)` takes it), with every warning.
    public init(all arguments: [String]) throws(ConfigError) {
        for argument in arguments {
            let found = try ExternalTestDiscovery(argument)
            tests += found.tests
            warnings += found.warnings
        }
    }

    /// - Throws: `ConfigError` for a header that does not parse (with file and line), a
    ///   `config.fcc`, or a directory that does not exist.
    public init(_ argument: String) throws(ConfigError) {
        var project: String?
        var directory = argument
        if let equals = argument.firstIndex(of: "="), !argument[..<equals].contains("/") {
            project = String(argument[..<equals])
            directory = String(argument[argument.index(after: equals)...])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(source: directory, position: nil, path: nil, message: "not a directory (-E)")
        }
        let root = FileManager.default.fileExists(atPath: "\(directory)/tests/kola") ? "\(directory)/tests/kola" : directory
        let name = project ?? URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        try walk(root, relative: [], project: name, root: root)
        tests.sort { $0.name < $1.name }
    }

    private mutating func walk(_ directory: String, relative: [String], project: String, root: String) throws(ConfigError) {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var executables: [String] = []
        for entry in entries {
            let path = "\(directory)/\(entry)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if entry != "data" { try walk(path, relative: relative + [entry], project: project, root: root) }
            } else if entry == "config.fcc" {
                throw ConfigError(source: path, position: nil, path: nil, message: "config.fcc is not supported anymore; rename it to config.bu")
            } else if FileManager.default.isExecutableFile(atPath: path) {
                executables.append(entry)
            } else if !["config.bu", "config.ign"].contains(entry),
                let handle = FileHandle(forReadingAtPath: path), handle.readData(ofLength: 2) == Data("#!".utf8)
            {
                warnings.append("\(path) starts with #! but is not executable: not a test (chmod +x it to make it one)")
            }
        }
        for executable in executables {
            let script = "\(directory)/\(executable)"
            let parts = executables == ["test.sh"] ? relative : relative + [executable]
            let text = (try? String(contentsOfFile: script, encoding: .utf8)) ?? ""
            let metadata = try ExternalTestMetadata.parse(script: text, source: script) ?? ExternalTestMetadata()
            let config = ["config.bu", "config.ign"].map { "\(directory)/\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
            var dataIsDirectory: ObjCBool = false
            let data = FileManager.default.fileExists(atPath: "\(directory)/data", isDirectory: &dataIsDirectory) && dataIsDirectory.boolValue
                ? "\(directory)/data" : nil
            tests.append(ExternalTest(name: (["ext", project] + parts).joined(separator: "."), project: project, script: script, config: config,
                                      dataDirectory: data, metadata: metadata, projectDirectory: root))
        }
    }
}

