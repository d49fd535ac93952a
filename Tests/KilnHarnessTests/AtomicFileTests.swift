import Foundation
import Testing

@testable import KilnHarness

/// Files replaced whole or not at all.
struct AtomicFileTests {
    struct Interrupted: Error {}

    func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "kiln-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func aWriteReplacesTheFileAndLeavesNothingElse() throws {
        try withDirectory { directory in
            let path = "\(directory)/updates.json"
            try AtomicFile.write("old\n", to: path)
            try AtomicFile.write("new\n", to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
            #expect(FakeBuilds.listing(directory) == ["updates.json"])
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o644)
        }
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
        try withDirectory { directory in
            let path = "\(directory)/releases.json"
            try AtomicFile.write("old\n", to: path)
            #expect(throws: Interrupted.self) {
                try AtomicFile.write(to: path) { sink in
                    try sink.write(Array("half of the new".utf8))
                    throw Interrupted()
                }
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
            #expect(FakeBuilds.listing(directory) == ["releases.json"])
        }
    }

    @Test func aFileThatCannotBeReplacedIsLeftAsItWas() throws {
        try withDirectory { directory in
            // A directory in the file's place: the rename fails after the content was written.
            let path = "\(directory)/stable.json"
            try FileManager.default.createDirectory(atPath: "\(path)/inside", withIntermediateDirectories: true)
            #expect(throws: AtomicFileError.self) { try AtomicFile.write("new\n", to: path) }
            #expect(FakeBuilds.listing(directory) == ["stable.json"])
            #expect(FakeBuilds.listing(path) == ["inside"])
        }
    }

    @Test func aMissingDirectoryIsAnErrorNamingTheFile() throws {
        let path = NSTemporaryDirectory() + "kiln-nonexistent-\(UUID().uuidString)/x.json"
        let error = #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: path) }
        #expect(error?.description == "\(path): cannot create a temporary file beside it: No such file or directory")
    }

    @Test(.enabled(if: getuid() != 0, "root writes into read-only directories"))
    func aReadOnlyDirectoryLeavesTheOldFile() throws {
        try withDirectory { directory in
            let path = "\(directory)/streams.json"
            try AtomicFile.write("old\n", to: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory) }
            #expect(throws: AtomicFileError.self) { try AtomicFile.write("new\n", to: path) }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
            #expect(FakeBuilds.listing(directory) == ["streams.json"])
        }
    }
}
