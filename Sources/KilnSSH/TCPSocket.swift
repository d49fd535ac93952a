import Foundation
import KilnCore

/// A non-blocking TCP connection to a loopback or numeric IPv4 address.
final class TCPSocket {
    let fd: Int32

    /// Connects to `host:port` (numeric IPv4) within `limit`.
    init(host: String, port: Int, limit: OperationLimit) throws(SSHError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.error("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw .socket(operation: "parse address \(host)", errno: EINVAL, message: "not a numeric IPv4 address")
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 && errno != EINPROGRESS {
            let e = errno
            close(fd)
            throw Self.error("connect to \(host):\(port)", e)
        }
        self.fd = fd  // from here on, deinit closes it
        try wait(for: Int16(POLLOUT), limit: limit)
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
        if soError != 0 { throw Self.error("connect to \(host):\(port)", soError) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    static func error(_ operation: String, _ code: Int32) -> SSHError {
        .socket(operation: operation, errno: code, message: String(cString: strerror(code)))
    }

    /// Waits until the socket is ready for `events`, checking `limit` every 100 ms.
    func wait(for events: Int16, limit: OperationLimit) throws(SSHError) {
        while true {
            try limit.check()
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&pfd, 1, limit.pollMilliseconds())
            if rc > 0 { return }
            if rc < 0 && errno != EINTR { throw Self.error("poll", errno) }
        }
    }

    /// Waits for the server's identification (`SSH-...`) without consuming it, so that a port
    /// that accepts and then closes (QEMU's user-mode forward before the guest listens) is told
    /// apart from an SSH server within `limit`.
    func waitForBanner(limit: OperationLimit) throws(SSHError) {
        var buffer = [UInt8](repeating: 0, count: 4)
        while true {
            try wait(for: Int16(POLLIN), limit: limit)
            let n = recv(fd, &buffer, 4, Int32(MSG_PEEK))
            if n == 4 {
                guard buffer == Array("SSH-".utf8) else {
                    throw .notSSH("the server's first bytes are not an SSH identification")
                }
                return
            }
            if n == 0 { throw .notSSH("the connection was closed before the server identified itself") }
            if n < 0 && errno != EAGAIN && errno != EINTR { throw Self.error("recv", errno) }
            if n > 0 {
                // Fewer than 4 bytes so far: wait a little for the rest.
                usleep(20_000)
            }
        }
    }
}
