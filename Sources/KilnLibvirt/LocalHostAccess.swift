public import Foundation
import KilnPlatform

/// A libvirt daemon on this machine: its QEMU reads the build's image where it is, and writes
/// the console and journal straight into the artifacts directory.
public struct LocalHostAccess: LibvirtHostAccess {
    public let name = "this machine"
    public let isLocal = true

    public init() {}

    @discardableResult public func run(_ script: String) async throws -> String {
        let result = try await runHostCommand("sh", ["-c", script])
        guard result.status.succeeded else {
            throw HostCommandError(host: name, what: "sh -c '\(script)'", status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }

    public func write(_ contents: Data, to path: String) async throws {
        guard FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw SystemError("write \(path)", errno: errno)
        }
    }

    public func buildFile(at path: String, sha256: String, suffix: String) async throws -> String { path }

    public func forward(port: Int) async throws -> HostPortForward { HostPortForward(localPort: port) }

    public func forwardSocket(_ remotePath: String, to localPath: String) async throws -> HostPortForward {
        throw HostCommandError(host: name, what: "forward \(remotePath)", status: .exited(1), stderr: "this machine needs no forward")
    }

    public func mirror(_ path: String, to localPath: String) async throws -> HostFileMirror? { nil }

    public func close() async {}
}
