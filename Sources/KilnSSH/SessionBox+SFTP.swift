import CLibSSH2

extension SessionBox {
    /// Writes `bytes` to `path` on the server over SFTP (created or truncated, with `mode`).
    func upload(_ bytes: [UInt8], to path: String, mode: Int32, limit: OperationLimit) throws(SSHError) {
        guard let session else { throw .closed }
        let sftp = try retryPointer("start SFTP", limit) { libssh2_sftp_init(session) }
        defer {
            let cleanup = OperationLimit(operation: "end SFTP", timeout: .seconds(5))
            _ = try? retry("end SFTP", cleanup) { libssh2_sftp_shutdown(sftp) }
        }
        let handle = try retryPointer("open \(path) for writing", limit) {
            path.withCString { cssh2_sftp_open(sftp, $0, UInt32(path.utf8.count), CSSH2_FXF_WRITE_CREAT_TRUNC, Int(mode)) }
        }
        var closed = false
        defer {
            if !closed {
                let cleanup = OperationLimit(operation: "close \(path)", timeout: .seconds(5))
                _ = try? retry("close \(path)", cleanup) { libssh2_sftp_close_handle(handle) }
            }
        }
        var offset = 0
        while offset < bytes.count {
            let written = try retry("write \(path)", limit) {
                bytes.withUnsafeBytes { buffer in
                    let count = min(32 * 1024, buffer.count - offset)
                    return libssh2_sftp_write(handle, (buffer.baseAddress! + offset).assumingMemoryBound(to: CChar.self), count)
                }
            }
            offset += Int(written)
        }
        try retry("close \(path)", limit) { libssh2_sftp_close_handle(handle) }
        closed = true
    }
}
