import CKilnSupport
import Foundation
import Synchronization

/// A private Ethernet segment for the machines of one test: an L2 hub in Kiln's process. Each
/// machine gets one end of an AF_UNIX datagram socket pair as its NIC's backend (or, for QEMU
/// started by a libvirt daemon, socket paths: datagram sockets on this machine, or a stream
/// socket that a remote host's QEMU reaches through an SSH forward); the hub's thread copies
/// every frame it reads from one machine to all the others. Nothing else can join (there
/// is no address or file to find it by), so machines of different tests cannot reach each other,
/// and the segment disappears with the hub, or with Kiln.
public final class PrivateNetwork: Sendable {
    /// The segment's addresses: machine i is 10.77.0.(i+10)/24.
    public static func address(of index: Int) -> String { "10.77.0.\(index + 10)" }
    public static let prefixLength = 24

    /// One machine's attachment: the descriptor to hand to the hypervisor (or, for a hypervisor
    /// Kiln does not start itself, the socket paths it attaches by), and its MAC address.
    public struct Port: Sendable, Equatable {
        public let descriptor: Int32
        public let macAddress: String
        public let address: String
        /// For a path-bound segment: where the hub listens for this machine...
        public let hubPath: String?
        /// ... and where the machine's NIC binds, to which the hub sends.
        public let machinePath: String?
        /// For a path-bound segment: where the hub also listens for one stream connection
        /// (QEMU's `-netdev stream` framing: a 4-byte big-endian length, then the frame), for a
        /// machine on a remote host whose socket is forwarded here.
        public let streamPath: String?

        public init(descriptor: Int32, macAddress: String, address: String, hubPath: String?, machinePath: String?,
                    streamPath: String? = nil) {
            self.descriptor = descriptor
            self.macAddress = macAddress
            self.address = address
            self.hubPath = hubPath
            self.machinePath = machinePath
            self.streamPath = streamPath
        }
    }

    public let ports: [Port]
    private let stopped = Mutex(false)
    private let wakeWrite: Int32

    /// A segment for `machines` machines of the test `name` (which only seeds the MAC addresses).
    /// Without `socketDirectory` each machine gets one end of a socket pair (for QEMU started
    /// by Kiln); with it, the hub binds `h<i>.sock` there and machine i's NIC binds `m<i>.sock`
    /// (QEMU's `-netdev dgram` with unix paths, for QEMU started by a libvirt daemon on this
    /// machine), and listens on `s<i>.sock` for a stream connection instead (forwarded from a
    /// remote host). The directory is private to the run; nothing else can join either way.
    public init(machines: Int, name: String, socketDirectory: String? = nil) throws {
        var ports: [Port] = []
        var hubEnds: [Int32] = []
        var listeners: [Int32] = []
        let seed = UInt8(truncatingIfNeeded: name.utf8.reduce(0) { ($0 &* 31) &+ Int($1) })
        func closeAll() { (ports.map(\.descriptor).filter { $0 >= 0 } + hubEnds + listeners).forEach { close($0) } }
        /// `fd`, or (when it is -1) everything closed and the error of `what`.
        func checked(_ fd: Int32, _ what: String) throws -> Int32 {
            guard fd < 0 else { return fd }
            let code = errno
            closeAll()
            throw SystemError("\(what) for the private network", errno: code)
        }
        for index in 0..<machines {
            let mac = String(format: "52:54:00:77:%02x:%02x", seed, index)
            if let socketDirectory {
                let hubPath = "\(socketDirectory)/h\(index).sock"
                hubEnds.append(try checked(Self.boundDatagramSocket(at: hubPath), "bind \(hubPath)"))
                let streamPath = "\(socketDirectory)/s\(index).sock"
                listeners.append(try checked(Self.listeningStreamSocket(at: streamPath), "listen on \(streamPath)"))
                ports.append(Port(descriptor: -1, macAddress: mac, address: Self.address(of: index), hubPath: hubPath,
                                  machinePath: "\(socketDirectory)/m\(index).sock", streamPath: streamPath))
                continue
            }
            var pair: [Int32] = [-1, -1]
            let error = kiln_dgram_socketpair(&pair)
            guard error == 0 else {
                closeAll()
                throw SystemError("socketpair for the private network", errno: error)
            }
            hubEnds.append(pair[0])
            listeners.append(-1)
            ports.append(Port(descriptor: pair[1], macAddress: mac, address: Self.address(of: index), hubPath: nil, machinePath: nil))
        }
        var wake: [Int32] = [-1, -1]
        guard kiln_pipe(&wake) == 0 else {
            closeAll()
            throw SystemError("pipe for the private network", errno: errno)
        }
        self.ports = ports
        self.wakeWrite = wake[1]
        let ends = hubEnds
        let peers = ports.map(\.machinePath)
        let wakeFD = wake[0]
        let hubListeners = listeners
        let thread = Thread { PrivateNetworkHub(ends: ends, peers: peers, listeners: hubListeners, wake: wakeFD).run() }
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
        ports.filter { $0.descriptor >= 0 }.forEach { close($0.descriptor) }
        for port in ports {
            [port.hubPath, port.machinePath, port.streamPath].compactMap { $0 }.forEach { unlink($0) }
        }
        if let directory = ports.first?.hubPath.map({ ($0 as NSString).deletingLastPathComponent }) { rmdir(directory) }
    }

    deinit {
        shutDown()
    }

    /// A datagram socket bound to `path`, or -1 with `errno` set.
    private static func boundDatagramSocket(at path: String) -> Int32 {
        boundSocket(SOCK_DGRAM, at: path, listening: false)
    }

    /// A stream socket listening at `path`, or -1 with `errno` set.
    private static func listeningStreamSocket(at path: String) -> Int32 {
        boundSocket(SOCK_STREAM, at: path, listening: true)
    }

    /// A unix socket of `type` bound to `path` (replacing what was there), listening if asked;
    /// -1 with `errno` set when it cannot be.
    private static func boundSocket(_ type: __socket_type, at path: String, listening: Bool) -> Int32 {
        let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        unlink(path)
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, !listening || listen(fd, 2) == 0 else {
            let code = errno
            close(fd)
            errno = code
            return -1
        }
        return fd
    }

    static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
        }
        return address
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
