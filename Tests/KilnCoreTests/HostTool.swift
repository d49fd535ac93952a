import Foundation

/// Runs a host tool (Perl, xmllint) on a document, to validate what Kiln writes with the
/// tools that read it.
enum HostTool {
    /// Writes `document` to a temporary file, runs `executable` with `arguments` and that
    /// file's path last, and returns its exit status and output (standard output, then error).
    static func run(_ executable: String, _ arguments: [String], document: String) throws
        -> (status: Int32, output: String, errors: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("document")
        try Data(document.utf8).write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + [file.path]
        let output = directory.appendingPathComponent("stdout"), errors = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8),
                try String(contentsOf: errors, encoding: .utf8))
    }

    /// Runs `executable` with `arguments` (and the path of an empty file last, which a
    /// `sh -c` script sees as `$0`) and returns its standard output and error.
    static func run(_ executable: String, _ arguments: [String]) throws -> (stdout: String, stderr: String) {
        let result = try run(executable, arguments, document: "")
        return (result.output, result.errors)
    }
}
