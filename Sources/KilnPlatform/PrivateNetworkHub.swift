import CKilnSupport
import Foundation

/// The loop of a ``PrivateNetwork``'s hub thread: every frame read from one machine goes to all
/// the others, as on a real hub. Machine i is reached through its datagram end (a socket pair's
/// end, or a socket bound to a path that sends to the machine's path) or, once a hypervisor has
/// connected to its stream listener, through that connection, in QEMU's `-netdev stream`
/// framing (a 4-byte big-endian length, then the frame).
struct PrivateNetworkHub {
    let ends: [Int32]
    let peers: [String?]
    /// Per machine, a listening stream socket or -1.
    let listeners: [Int32]
    let wake: Int32

    func run() {
        var addresses = peers.map { $0.map(PrivateNetwork.unixAddress) }
        var streams = [Int32](repeating: -1, count: ends.count)
        var pending = [[UInt8]](repeating: [], count: ends.count)
        var buffer = [UInt8](repeating: 0, count: 65_536)

        func deliver(_ frame: ArraySlice<UInt8>, from source: Int) {
            for other in ends.indices where other != source {
                if streams[other] >= 0 {
                    if !Self.sendFramed(frame, to: streams[other]) {
                        close(streams[other])
                        streams[other] = -1
                    }
                } else if addresses[other] != nil {
                    // A machine that is not reading (or not there yet) loses frames, as on a real hub.
                    _ = frame.withUnsafeBytes { bytes in
                        withUnsafePointer(to: &addresses[other]!) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(ends[other], bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), $0,
                                       socklen_t(MemoryLayout<sockaddr_un>.size))
                            }
                        }
                    }
                } else {
                    _ = frame.withUnsafeBytes { send(ends[other], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
                }
            }
        }

        while true {
            let readable = Int16(POLLIN)
            var fds = ends.map { pollfd(fd: $0, events: readable, revents: 0) }
                + listeners.map { pollfd(fd: $0, events: readable, revents: 0) }
                + streams.map { pollfd(fd: $0, events: readable, revents: 0) }
                + [pollfd(fd: wake, events: readable, revents: 0)]
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            if fds.last!.revents != 0 { break }
            let count = ends.count
            for index in ends.indices where fds[index].revents & readable != 0 {
                let received = recv(ends[index], &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if received > 0 { deliver(buffer[0..<received], from: index) }
            }
            for index in ends.indices where listeners[index] >= 0 && fds[count + index].revents & readable != 0 {
                let connection = accept(listeners[index], nil, nil)
                if connection >= 0 { _ = kiln_set_cloexec(connection, 1) }
                guard connection >= 0 else { continue }
                if streams[index] >= 0 { close(streams[index]) }
                streams[index] = connection
                pending[index] = []
            }
            for index in ends.indices where streams[index] >= 0 && fds[2 * count + index].revents != 0 {
                let received = recv(streams[index], &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if received < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                guard received > 0 else {
                    close(streams[index])
                    streams[index] = -1
                    continue
                }
                pending[index] += buffer[0..<received]
                var offset = 0
                while pending[index].count - offset >= 4 {
                    let header = pending[index][offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
                    guard pending[index].count - offset - 4 >= header else { break }
                    deliver(pending[index][offset + 4..<offset + 4 + header], from: index)
                    offset += 4 + header
                }
                pending[index].removeFirst(offset)
            }
        }
        (ends + listeners + streams).filter { $0 >= 0 }.forEach { close($0) }
        close(wake)
    }

    /// Writes the frame with its length; false when the connection is broken or stuck (a frame
    /// half written would break the framing, so the connection is then given up).
    private static func sendFramed(_ frame: ArraySlice<UInt8>, to fd: Int32) -> Bool {
        let length = UInt32(frame.count)
        let message = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + frame
        var sent = 0
        let deadline = ContinuousClock.now + .seconds(1)
        while sent < message.count {
            let written = message[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                sent += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EINTR else { return false }
            // Nothing sent yet: drop the frame, as a busy hub would; else finish it.
            if sent == 0 { return true }
            guard ContinuousClock.now < deadline else { return false }
            var wait = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&wait, 1, 100)
        }
        return true
    }
}
