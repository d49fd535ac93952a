import Foundation
import KilnCore

/// The files of an external test's `data/` directory, read on the host with symlinks followed,
/// ready to upload: paths relative to `data/`, contents, and modes (0755 for executables).
struct ExternalDataFiles {
    struct File {
        var path: String
        var bytes: [UInt8]
        var mode: Int32
    }

    /// Relative directories, parents first.
    var directories: [String] = []
    var files: [File] = []

    init() {}

    /// - Throws: `ConfigError` naming the file that cannot be read or a symlink loop.
    init(directory: String) throws(ConfigError) {
        try walk(directory, relative: "", seen: [])
    }

    private mutating func walk(_ directory: String, relative: String, seen: Set<String>) throws(ConfigError) {
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard !seen.contains(real) else {
            throw ConfigError(source: directory, position: nil, path: nil, message: "data/ has a symlink loop")
        }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw ConfigError(source: directory, position: nil, path: nil, message: "cannot read the directory: \(error.localizedDescription)")
        }
        for entry in entries {
            let path = "\(directory)/\(entry)"
            let name = relative.isEmpty ? entry : "\(relative)/\(entry)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ConfigError(source: path, position: nil, path: nil, message: "a dangling symlink in data/")
            }
            if isDirectory.boolValue {
                directories.append(name)
                try walk(path, relative: name, seen: seen.union([real]))
            } else {
                guard let bytes = FileManager.default.contents(atPath: path) else {
                    throw ConfigError(source: path, position: nil, path: nil, message: "cannot read the file")
                }
                files.append(File(path: name, bytes: [UInt8](bytes),
                                  mode: FileManager.default.isExecutableFile(atPath: path) ? 0o755 : 0o644))
            }
        }
    }
}
