/// Where a Butane config's `local` files come from: the files directory given on the command
/// line. The core only asks; the filesystem implementation lives with the harness, which keeps
/// every path inside the directory.
public protocol ButaneFileSource: Sendable {
    /// The bytes of the file at `path`, relative to the files directory.
    func contents(of path: String) throws(ButaneFileError) -> [UInt8]
    /// Every file and symbolic link under the directory `path` (recursively, sorted by path),
    /// with paths relative to `path`.
    func tree(at path: String) throws(ButaneFileError) -> [ButaneTreeEntry]
}

/// One entry of a `storage.trees` directory.
public struct ButaneTreeEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A regular file; `executable` when any execute bit is set.
        case file(contents: [UInt8], executable: Bool)
        /// A symbolic link and its target as written.
        case symlink(target: String)
    }

    /// The path relative to the tree's root, `/`-separated.
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}

/// Why a local file could not be read.
public struct ButaneFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks that `path` names something inside the files directory: relative, and never climbing
/// above it with `..`. Returns the normalized relative path.
public func normalizedLocalPath(_ path: String) throws(ButaneFileError) -> String {
    if path.hasPrefix("/") { throw ButaneFileError("local path \"\(path)\" must be relative to the files directory") }
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
        if part == ".." {
            if parts.isEmpty { throw ButaneFileError("local path \"\(path)\" is outside the files directory") }
            parts.removeLast()
        } else {
            parts.append(part)
        }
    }
    return parts.joined(separator: "/")
}

/// Encodes bytes as an RFC 2397 `data:` URL the way Butane does without compression: percent
/// encoding for text, base64 when that is shorter.
public func makeDataURL(_ bytes: [UInt8]) -> String {
    let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
    let hex = Array("0123456789ABCDEF".utf8)
    var escaped: [UInt8] = []
    for byte in bytes {
        if safe.contains(byte) {
            escaped.append(byte)
        } else {
            escaped += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
    }
    let base64 = base64Encoded(bytes)
    if base64.count + ";base64".count < escaped.count {
        return "data:;base64," + base64
    }
    return "data:," + String(decoding: escaped, as: UTF8.self)
}

/// Standard base64 with padding.
func base64Encoded(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        let b0 = chunk[chunk.startIndex]
        let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
        let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
        out.append(alphabet[Int(b0 >> 2)])
        out.append(alphabet[Int((b0 & 0x3) << 4 | b1 >> 4)])
        out.append(chunk.count > 1 ? alphabet[Int((b1 & 0xF) << 2 | b2 >> 6)] : UInt8(ascii: "="))
        out.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}
