public import Foundation

/// A TCP port on 127.0.0.1 that was free a moment ago. Whoever binds it next may still lose a
/// race for it; callers that hand it to QEMU retry when QEMU cannot bind it.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw SpawnError(executable: "socket", errno: errno) }
    defer { close(fd) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard ok else { throw SpawnError(executable: "bind 127.0.0.1:0", errno: errno) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The IPv4 socket address 127.0.0.1:`port`.
public func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return address
}
