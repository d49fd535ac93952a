import CKilnSupport
import Foundation
import Synchronization

/// A private Ethernet segment for the machines of one test: an L2 hub in Kiln's process. Each
/// machine gets one end of an AF_UNIX datagram socket pair as its NIC's backend; the hub's thread
/// copies every frame it reads from one machine to all the others. Nothing else can join (there
/// is no address or file to find it by), so machines of different tests cannot reach each other,
/// and the segment disappears with the hub, or with Kiln.
public final class PrivateNetwork: Sendable {
    /// The segment's addresses: machine i is 10.77.0.(i+10)/24.
    public static func address(of index: Int) -> String { "10.77.0.\(index + 10)" }
    public static let prefixLength = 24

    /// One machine's attachment: the descriptor to hand to the hypervisor, and its MAC address.
    public struct Port: Sendable {
        public let descriptor: Int32
        public let macAddress: String
        public let address: String
    }

    public let ports: [Port]
    private let stopped = Mutex(false)
    private let wakeWrite: Int32

    /// A segment for `machines` machines of the test `name` (which only seeds the MAC addresses).
    public init(machines: Int, name: String) throws {
        var ports: [Port] = []
        var hubEnds: [Int32] = []
        let seed = UInt8(truncatingIfNeeded: name.utf8.reduce(0) { ($0 &* 31) &+ Int($1) })
        func closeAll() { (ports.map(\.descriptor) + hubEnds).forEach { close($0) } }
        for index in 0..<machines {
            var pair: [Int32] = [-1, -1]
            let error = kiln_dgram_socketpair(&pair)
            guard error == 0 else {
                closeAll()
                throw SystemError("socketpair for the private network", errno: error)
            }
            hubEnds.append(pair[0])
            let mac = String(format: "52:54:00:77:%02x:%02x", seed, index)
            ports.append(Port(descriptor: pair[1], macAddress: mac, address: Self.address(of: index)))
        }
        var wake: [Int32] = [-1, -1]
        guard kiln_pipe(&wake) == 0 else {
            closeAll()
            throw SystemError("pipe for the private network", errno: errno)
        }
        self.ports = ports
        self.wakeWrite = wake[1]
        let ends = hubEnds
        let wakeFD = wake[0]
        let thread = Thread { Self.forward(ends: ends, wake: wakeFD) }
        thread.name = "kiln-private-network"
        thread.start()
    }

    /// Stops the hub and closes every descriptor (the hypervisors keep their own copies until
    /// they exit).
    public func shutDown() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        close(wakeWrite)
        ports.forEach { close($0.descriptor) }
    }

    deinit {
        shutDown()
    }

    private static func forward(ends: [Int32], wake: Int32) {
        var fds = ends.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) } + [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        var frame = [UInt8](repeating: 0, count: 65_536)
        while true {
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            if fds.last!.revents != 0 { break }
            for index in ends.indices where fds[index].revents & Int16(POLLIN) != 0 {
                let count = recv(ends[index], &frame, frame.count, Int32(MSG_DONTWAIT))
                guard count > 0 else { continue }
                for other in ends.indices where other != index {
                    // A machine that is not reading loses frames, as on a real hub.
                    _ = send(ends[other], frame, count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
                }
            }
        }
        ends.forEach { close($0) }
        close(wake)
    }
}

extension PrivateNetwork {
    /// A systemd-networkd unit giving the NIC with `port`'s MAC address its static address on
    /// the segment, for the machine's Ignition config.
    public static func networkdUnit(for port: Port) -> String {
        """
        [Match]
        MACAddress=\(port.macAddress)

        [Link]
        RequiredForOnline=no

        [Network]
        Address=\(port.address)/\(prefixLength)
        LinkLocalAddressing=no
        IPv6AcceptRA=no

        """
    }
}
