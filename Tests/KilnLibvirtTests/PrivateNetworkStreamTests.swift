import Foundation
import KilnPlatform
import Testing

/// The hub of a path-bound private network: a machine attached through its stream listener (as
/// a remote host's QEMU is, through an SSH forward) and one attached by datagram sockets reach
/// each other, frames framed as QEMU's `-netdev stream` frames them.
struct PrivateNetworkStreamTests {
    private func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        return address
    }

    private func connectOrBind(_ fd: Int32, _ path: String, bindOnly: Bool) -> Bool {
        var address = unixAddress(path)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                let length = socklen_t(MemoryLayout<sockaddr_un>.size)
                return (bindOnly ? bind(fd, $0, length) : connect(fd, $0, length)) == 0
            }
        }
    }

    private func receive(_ fd: Int32, count: Int) -> [UInt8] {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes[got...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            got += n
        }
        return Array(bytes[0..<got])
    }

    private func receiveDatagram(_ fd: Int32) -> [UInt8] {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &bytes, bytes.count, 0)
        return n > 0 ? Array(bytes[0..<n]) : []
    }

    @Test func aStreamAttachedMachineAndADatagramAttachedOneExchangeFrames() async throws {
        let directory = NSTemporaryDirectory() + "kiln-net-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = try PrivateNetwork(machines: 2, name: "t", socketDirectory: directory)
        defer { network.shutDown() }
        let remote = try #require(network.ports[0].streamPath)
        // Machine 0: a stream connection, as the SSH forward of a remote host's QEMU makes it.
        let stream = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(stream) }
        #expect(connectOrBind(stream, remote, bindOnly: false))
        // Machine 1: its own datagram socket at its path, sending to its hub socket.
        let datagram = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(datagram) }
        #expect(connectOrBind(datagram, try #require(network.ports[1].machinePath), bindOnly: true))
        #expect(connectOrBind(datagram, try #require(network.ports[1].hubPath), bindOnly: false))
        try? await Task.sleep(for: .milliseconds(200))  // the hub accepts the stream connection

        let frame: [UInt8] = Array(0..<100)
        #expect(send(datagram, frame, frame.count, 0) == frame.count)
        #expect(receive(stream, count: 104) == [0, 0, 0, 100] + frame)

        // Two frames written in pieces arrive whole, one datagram each.
        let second: [UInt8] = [9, 8, 7]
        let bytes: [UInt8] = [0, 0, 0, 100] + frame + [0, 0, 0, 3] + second
        for piece in [bytes[0..<2], bytes[2..<50], bytes[50...]] {
            _ = Array(piece).withUnsafeBytes { send(stream, $0.baseAddress, $0.count, 0) }
        }
        #expect(receiveDatagram(datagram) == frame)
        #expect(receiveDatagram(datagram) == second)
    }
}
