import Foundation

/// One `--connect URI[,capacity=N][,ssh=[USER@]HOST[:PORT]]` argument: a libvirt host, how many
/// machines Kiln may run on it at once (nil: as many as its CPUs and memory allow), and, for a
/// remote host, how Kiln reaches it over SSH (for its files and the guests' SSH ports). A
/// `qemu+ssh://` (or `+libssh2`, `+libssh`) URI names that itself; other remote transports
/// (`qemu+tcp://`, `qemu+tls://`) need `ssh=`.
public struct LibvirtHostArgument: Sendable, Equatable {
    public var uri: String
    public var capacity: Int?
    /// Where Kiln logs in to reach the host; nil for a daemon on this machine.
    public var ssh: SSHDestination?

    /// `[user@]host` and a port, as OpenSSH's client takes them.
    public struct SSHDestination: Sendable, Equatable {
        public var destination: String
        public var port: Int?

        public init(destination: String, port: Int? = nil) {
            self.destination = destination
            self.port = port
        }
    }

    public init(uri: String, capacity: Int? = nil, ssh: SSHDestination? = nil) {
        self.uri = uri
        self.capacity = capacity
        self.ssh = ssh
    }

    /// - Throws: `LibvirtHostArgumentError` naming the argument and what was expected.
    public init(parsing text: String) throws(LibvirtHostArgumentError) {
        var parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let uri = parts.removeFirst()
        guard !uri.isEmpty, uri.contains(":"), let components = URLComponents(string: uri), let scheme = components.scheme else {
            throw LibvirtHostArgumentError(message: "--connect '\(text)': expected a libvirt URI such as qemu:///system or qemu+ssh://host/system, optionally followed by ,capacity=N and ,ssh=[USER@]HOST[:PORT]")
        }
        var capacity: Int?
        var ssh: SSHDestination?
        for option in parts {
            if option.hasPrefix("capacity="), let value = Int(option.dropFirst("capacity=".count)), value >= 1 {
                capacity = value
            } else if option.hasPrefix("ssh="), let destination = Self.destination(String(option.dropFirst("ssh=".count))) {
                ssh = destination
            } else {
                throw LibvirtHostArgumentError(message: "--connect '\(text)': unknown option '\(option)'; the options are capacity=N (N at least 1) and ssh=[USER@]HOST[:PORT]")
            }
        }
        let host = components.host ?? ""
        if ssh == nil, !host.isEmpty {
            guard ["+ssh", "+libssh2", "+libssh"].contains(where: scheme.hasSuffix) else {
                throw LibvirtHostArgumentError(message: "--connect '\(text)': \(host) is a remote host, which Kiln reaches over SSH for its files and the guests' SSH ports: use a qemu+ssh:// URI or add ,ssh=[USER@]\(host)")
            }
            ssh = SSHDestination(destination: components.user.map { "\($0)@\(host)" } ?? host, port: components.port)
        }
        self.init(uri: uri, capacity: capacity, ssh: ssh)
    }

    /// `[user@]host[:port]`, or nil when it is not one.
    static func destination(_ text: String) -> SSHDestination? {
        var host = Substring(text)
        var port: Int?
        if let colon = text.lastIndex(of: ":") {
            guard let value = Int(text[text.index(after: colon)...]), (1...65535).contains(value) else { return nil }
            port = value
            host = text[..<colon]
        }
        guard !host.isEmpty, !host.hasSuffix("@"), !host.contains(where: { $0 == " " || $0 == "," }) else { return nil }
        return SSHDestination(destination: String(host), port: port)
    }

    /// Machines at once on a host with `memoryMiB` and `cpus`: one per CPU, each with 1 GiB and
    /// QEMU's overhead, keeping 1 GiB for the host.
    public static func defaultCapacity(memoryMiB: Int, cpus: Int) -> Int {
        max(1, min(cpus, (memoryMiB - 1024) / (1024 + 256)))
    }
}

/// A `--connect` argument Kiln cannot use.
public struct LibvirtHostArgumentError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
