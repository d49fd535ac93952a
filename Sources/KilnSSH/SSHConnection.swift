import CLibSSH2
import Foundation
public import KilnPlatform
import Synchronization

/// One SSH connection (libssh2 session) to a machine, confined to a thread of its own, with an
/// async API. Commands on one connection run one after another; each opens a channel.
public final class SSHConnection: Sendable {
    /// The server's host key as `type base64`, e.g. `ssh-ed25519 AAAAC3...`.
    public let hostKey: String
    private let thread: DedicatedThread
    private let session: SessionBox

    /// Where and as whom to connect.
    public struct Target: Sendable {
        public var host: String
        public var port: Int
        public var user: String
        public var key: SSHKeyPair

        public init(host: String, port: Int, user: String, key: SSHKeyPair) {
            self.host = host
            self.port = port
            self.user = user
            self.key = key
        }
    }

    /// Connects, waits for the server's identification within `bannerTimeout`, then completes
    /// the handshake and public-key login within `timeout`.
    /// - Parameter acceptHostKey: called with the server's host key (`type base64`) after the
    ///   handshake and before logging in; returning false ends the attempt with
    ///   `SSHError.hostKeyRejected`. Runs on the connection's thread.
    public static func connect(to target: Target, bannerTimeout: Duration = .seconds(3),
                               timeout: Duration = .seconds(60),
                               acceptHostKey: @escaping @Sendable (String) -> Bool = { _ in true }) async throws -> SSHConnection {
        LibSSH2.initialize()
        let thread = DedicatedThread(name: "kiln-ssh-\(target.host):\(target.port)")
        let limit = OperationLimit(operation: "SSH login to \(target.user)@\(target.host):\(target.port)", timeout: timeout)
        do {
            let box = try await withTaskCancellationHandler {
                try await thread.run { () throws -> SessionBox in
                    let bannerLimit = OperationLimit(operation: "waiting for the SSH server's identification",
                                                     timeout: min(bannerTimeout, timeout))
                    let socket = try TCPSocket(host: target.host, port: target.port, limit: bannerLimit)
                    try socket.waitForBanner(limit: bannerLimit)
                    return try SessionBox(socket: socket, target: target, limit: limit, acceptHostKey: acceptHostKey)
                }
            } onCancel: {
                limit.cancel()
            }
            return SSHConnection(thread: thread, session: box)
        } catch {
            thread.stop()
            throw error
        }
    }

    private init(thread: DedicatedThread, session: SessionBox) {
        self.thread = thread
        self.session = session
        self.hostKey = session.hostKey
    }

    /// Runs `command` and collects its output and exit status.
    /// - Parameter timeout: the command's limit; at the limit the channel is closed and
    ///   `SSHError.timedOut` is thrown. Task cancellation ends it the same way.
    public func exec(_ command: String, timeout: Duration) async throws -> CommandResult {
        let limit = OperationLimit(operation: "command `\(command)`", timeout: timeout)
        let session = self.session
        do {
            return try await withTaskCancellationHandler {
                try await thread.run { try session.exec(command, limit: limit) }
            } onCancel: {
                limit.cancel()
            }
        } catch is DedicatedThread.Stopped {
            throw SSHError.closed
        }
    }

    /// Writes `bytes` to `path` on the server over SFTP, created or truncated with `mode`.
    /// The file must be in a directory the login user may write; task cancellation and
    /// `timeout` end it as they end `exec`.
    public func upload(_ bytes: [UInt8], to path: String, mode: Int32 = 0o644, timeout: Duration) async throws {
        let limit = OperationLimit(operation: "upload of \(path)", timeout: timeout)
        let session = self.session
        do {
            try await withTaskCancellationHandler {
                try await thread.run { try session.upload(bytes, to: path, mode: mode, limit: limit) }
            } onCancel: {
                limit.cancel()
            }
        } catch is DedicatedThread.Stopped {
            throw SSHError.closed
        }
    }

    /// Says goodbye to the server and frees the session. Further calls throw `SSHError.closed`.
    public func close() async {
        let session = self.session
        try? await thread.run { session.close() }
        thread.stop()
    }
}

/// Calls `libssh2_init` once per process.
enum LibSSH2 {
    private static let once: Void = { _ = libssh2_init(0) }()
    static func initialize() { _ = once }
}
