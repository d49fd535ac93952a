import Foundation
import KilnCore

/// The published metadata files of one stream in a work directory: read with errors naming
/// the file, checked to belong to the stream, and written atomically.
struct PublishedFiles {
    let workdir: String
    let stream: String

    /// The absolute path of `relative`, which is how errors name the file.
    func path(_ relative: String) -> String { "\(workdir)/\(relative)" }

    /// The file `relative` decoded, or nil when there is none.
    func read<T>(_ relative: String, _ decode: ([UInt8], String) throws(StreamFileError) -> T) throws -> T? {
        let file = path(relative)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StreamFileError(source: file, path: "", message: "cannot read the file")
        }
        return try decode(Array(data), file)
    }

    /// `releases.json`, or nil when the stream has none yet.
    func releaseIndex() throws -> ReleaseIndex? {
        let relative = StreamLayout.releaseIndex(stream: stream)
        let index = try read(relative, ReleaseIndex.init(json:source:))
        if let index { try check(index.stream == stream, relative, "stream", "\"\(stream)\", found \"\(index.stream)\"") }
        return index
    }

    /// `updates/<stream>.json`, or nil when there is none yet.
    func updates() throws -> UpdatesMetadata? {
        let relative = StreamLayout.updates(stream: stream)
        let updates = try read(relative, UpdatesMetadata.init(json:source:))
        if let updates { try check(updates.stream == stream, relative, "stream", "\"\(stream)\", found \"\(updates.stream)\"") }
        return updates
    }

    /// The `release.json` of the index's `entry`, from this work directory.
    func newestRelease(_ entry: ReleaseIndex.Entry) throws -> ReleaseMetadata {
        let relative = StreamLayout.release(stream: stream, version: entry.version)
        guard let release = try read(relative, ReleaseMetadata.init(json:source:)) else {
            throw StreamFileError(source: path(relative), path: "",
                                  message: "missing: \(StreamLayout.releaseIndex(stream: stream)) lists \(entry.version) as the newest release")
        }
        return release
    }

    /// Runs `body`, naming the file `relative` in its errors.
    func attributing<T>(_ relative: String, _ body: () throws(StreamFileError) -> T) throws(StreamFileError) -> T {
        do throws(StreamFileError) { return try body() } catch { throw error.inFile(path(relative)) }
    }

    /// Throws `<file>: <field>: expected <expected>` unless `condition`.
    func check(_ condition: Bool, _ relative: String, _ field: String, _ expected: String) throws {
        guard condition else { throw StreamFileError(source: path(relative), path: field, message: "expected \(expected)") }
    }

    /// Writes each `(relative path, text)` atomically, in order, creating directories.
    func write(_ files: [(String, String)]) throws {
        for (relative, text) in files {
            let file = path(relative)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(text, to: file)
        }
    }
}
