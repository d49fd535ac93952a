import Foundation
public import KilnCore

/// A Butane files directory on disk (`--files-dir`): `local` paths are read from it, and no path,
/// symbolic link or tree entry may lead outside it.
public struct FilesDirectory: ButaneFileSource {
    /// The directory with symbolic links resolved.
    public let root: String

    /// - Throws: when `path` is not a directory.
    public init(_ path: String) throws(ButaneFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ButaneFileError("\(path): not a directory (--files-dir)")
        }
        root = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    public func contents(of path: String) throws(ButaneFileError) -> [UInt8] {
        let resolved = try inside(path)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw ButaneFileError("cannot read local file \"\(path)\" in \(root)")
        }
        return Array(data)
    }

    public func tree(at path: String) throws(ButaneFileError) -> [ButaneTreeEntry] {
        let top = try inside(path)
        var entries: [ButaneTreeEntry] = []
        try walk(top, relative: "", into: &entries, tree: path)
        return entries
    }

    /// The absolute path of `path` under the root, refusing anything that resolves outside it.
    private func inside(_ path: String) throws(ButaneFileError) -> String {
        let joined = path.isEmpty ? root : "\(root)/\(path)"
        let resolved = URL(fileURLWithPath: joined).resolvingSymlinksInPath().path
        guard resolved == root || resolved.hasPrefix(root + "/") else {
            throw ButaneFileError("local path \"\(path)\" leads outside the files directory \(root)")
        }
        guard FileManager.default.fileExists(atPath: resolved) else {
            throw ButaneFileError("local path \"\(path)\" does not exist in the files directory")
        }
        return resolved
    }

    private func walk(_ directory: String, relative: String, into entries: inout [ButaneTreeEntry], tree: String) throws(ButaneFileError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw ButaneFileError("cannot list local tree \"\(tree)\": \(error.localizedDescription)")
        }
        for name in names {
            let full = "\(directory)/\(name)"
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            var info = stat()
            guard lstat(full, &info) == 0 else { throw ButaneFileError("cannot stat \(full)") }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? ""
                entries.append(ButaneTreeEntry(path: path, kind: .symlink(target: target)))
            case S_IFDIR:
                try walk(full, relative: path, into: &entries, tree: tree)
            case S_IFREG:
                guard let data = FileManager.default.contents(atPath: full) else { throw ButaneFileError("cannot read \(full)") }
                entries.append(ButaneTreeEntry(path: path, kind: .file(contents: Array(data), executable: info.st_mode & 0o111 != 0)))
            default:
                throw ButaneFileError("local tree \"\(tree)\" has \(path), which is neither a file, a directory nor a symbolic link")
            }
        }
    }
}
