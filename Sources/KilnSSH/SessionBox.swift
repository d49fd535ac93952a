import CLibSSH2
import Foundation
import KilnPlatform

/// The libssh2 session and its socket. Every method runs on the owning connection's thread,
/// which is what makes the unchecked `Sendable` sound.
final class SessionBox: @unchecked Sendable {
    private(set) var session: OpaquePointer?
    private let socket: TCPSocket
    private(set) var hostKey = ""

    init(socket: TCPSocket, target: SSHConnection.Target, limit: OperationLimit,
         acceptHostKey: (String) -> Bool) throws(SSHError) {
        self.socket = socket
        guard let session = cssh2_session_init() else {
            throw .libssh2(operation: "libssh2_session_init", code: -1, message: "out of memory")
        }
        self.session = session
        libssh2_session_set_blocking(session, 0)
        let fd = self.socket.fd
        try retry("SSH handshake", limit) { libssh2_session_handshake(session, libssh2_socket_t(fd)) }
        hostKey = Self.hostKey(of: session)
        guard acceptHostKey(hostKey) else { throw .hostKeyRejected(presented: hostKey) }
        let user = target.user
        let publicKey = target.key.publicKeyLine
        let privateKey = target.key.privateKeyPEM
        try retry("public-key login as \(user)", limit) {
            cssh2_userauth_publickey_frommemory(session, user, user.utf8.count, publicKey, publicKey.utf8.count,
                                                privateKey, privateKey.utf8.count)
        }
    }

    deinit { close() }

    func close() {
        guard let session else { return }
        // Best effort: a few tries at a polite goodbye, then free.
        for _ in 0..<20 where cssh2_session_disconnect(session, "kiln done") == CSSH2_ERROR_EAGAIN {
            usleep(5_000)
        }
        libssh2_session_free(session)
        self.session = nil
    }

    private static func hostKey(of session: OpaquePointer) -> String {
        var length = 0
        var type: Int32 = 0
        guard let raw = libssh2_session_hostkey(session, &length, &type) else { return "" }
        let bytes = Data(bytes: raw, count: length)
        let names: [Int32: String] = [
            LIBSSH2_HOSTKEY_TYPE_RSA: "ssh-rsa", LIBSSH2_HOSTKEY_TYPE_DSS: "ssh-dss",
            LIBSSH2_HOSTKEY_TYPE_ECDSA_256: "ecdsa-sha2-nistp256", LIBSSH2_HOSTKEY_TYPE_ECDSA_384: "ecdsa-sha2-nistp384",
            LIBSSH2_HOSTKEY_TYPE_ECDSA_521: "ecdsa-sha2-nistp521", LIBSSH2_HOSTKEY_TYPE_ED25519: "ssh-ed25519",
        ]
        return "\(names[type] ?? "unknown") \(bytes.base64EncodedString())"
    }

    /// The session's last error as `SSHError`.
    private func lastError(_ operation: String) -> SSHError {
        guard let session else { return .closed }
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? "unknown error"
        return .libssh2(operation: operation, code: code, message: text)
    }

    /// Waits until the socket can move in the direction libssh2 is blocked on.
    private func waitSocket(_ limit: OperationLimit) throws(SSHError) {
        guard let session else { throw .closed }
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & CSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & CSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        try socket.wait(for: events, limit: limit)
    }

    /// Calls `call` until it stops saying EAGAIN; a negative result is an error.
    @discardableResult
    func retry<T: BinaryInteger>(_ operation: String, _ limit: OperationLimit,
                                         _ call: () -> T) throws(SSHError) -> T {
        while true {
            let rc = call()
            if rc == T(CSSH2_ERROR_EAGAIN) {
                try waitSocket(limit)
                continue
            }
            if rc < 0 { throw lastError(operation) }
            return rc
        }
    }

    /// Calls `call` until it returns a pointer or fails with something other than EAGAIN.
    func retryPointer(_ operation: String, _ limit: OperationLimit,
                              _ call: () -> OpaquePointer?) throws(SSHError) -> OpaquePointer {
        guard let session else { throw .closed }
        while true {
            if let pointer = call() { return pointer }
            guard libssh2_session_last_errno(session) == CSSH2_ERROR_EAGAIN else { throw lastError(operation) }
            try waitSocket(limit)
        }
    }

    func exec(_ command: String, limit: OperationLimit) throws(SSHError) -> CommandResult {
        guard let session else { throw .closed }
        let channel = try retryPointer("open a session channel", limit) { cssh2_channel_open_session(session) }
        var finished = false
        defer {
            // In non-blocking mode close and free may need several calls to get their message
            // out; a short budget of their own, since the command's may be spent.
            let cleanup = OperationLimit(operation: "close the channel of `\(command)`", timeout: .seconds(5))
            if !finished {
                // Timed out or failed mid-way: close without waiting for the remote side.
                _ = try? retry("close the channel", cleanup) { libssh2_channel_close(channel) }
            }
            _ = try? retry("free the channel", cleanup) { libssh2_channel_free(channel) }
        }
        try retry("start `\(command)`", limit) { cssh2_channel_exec(channel, command, UInt32(command.utf8.count)) }
        try retry("send EOF to `\(command)`", limit) { libssh2_channel_send_eof(channel) }

        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        while true {
            let out = buffer.withUnsafeMutableBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                    cssh2_channel_read(channel, $0, p.count)
                }
            }
            if out > 0 { stdout.append(contentsOf: buffer[0..<Int(out)]) }
            let err = buffer.withUnsafeMutableBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                    cssh2_channel_read_stderr(channel, $0, p.count)
                }
            }
            if err > 0 { stderr.append(contentsOf: buffer[0..<Int(err)]) }
            if out > 0 || err > 0 { continue }
            if out < 0 && out != CSSH2_ERROR_EAGAIN { throw lastError("read the output of `\(command)`") }
            if err < 0 && err != CSSH2_ERROR_EAGAIN { throw lastError("read the errors of `\(command)`") }
            if libssh2_channel_eof(channel) != 0 && out == 0 && err == 0 { break }
            try waitSocket(limit)
        }
        try retry("close the channel of `\(command)`", limit) { libssh2_channel_close(channel) }
        try retry("wait for `\(command)` to end", limit) { libssh2_channel_wait_closed(channel) }
        finished = true
        let status = libssh2_channel_get_exit_status(channel)
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        _ = libssh2_channel_get_exit_signal(channel, &signal, &signalLength, nil, nil, nil, nil)
        var signalName: String?
        if let signal {
            signalName = String(cString: signal)
            free(signal)
        }
        return CommandResult(stdout: stdout, stderr: stderr, exitStatus: signalName == nil ? status : nil,
                             exitSignal: signalName)
    }
}
