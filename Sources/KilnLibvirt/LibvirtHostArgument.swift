/// One `--connect URI[,capacity=N]` argument: a libvirt host and how many machines Kiln may run
/// on it at once (nil: as many as its CPUs and memory allow).
public struct LibvirtHostArgument: Sendable, Equatable {
    public var uri: String
    public var capacity: Int?

    public init(uri: String, capacity: Int? = nil) {
        self.uri = uri
        self.capacity = capacity
    }

    /// - Throws: `LibvirtHostArgumentError` naming the argument and what was expected.
    public init(parsing text: String) throws(LibvirtHostArgumentError) {
        var parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let uri = parts.removeFirst()
        guard !uri.isEmpty, uri.contains(":") else {
            throw LibvirtHostArgumentError(message: "--connect '\(text)': expected a libvirt URI such as qemu:///system, optionally followed by ,capacity=N")
        }
        var capacity: Int?
        for option in parts {
            guard option.hasPrefix("capacity="), let value = Int(option.dropFirst("capacity=".count)), value >= 1 else {
                throw LibvirtHostArgumentError(message: "--connect '\(text)': unknown option '\(option)'; the only option is capacity=N with N at least 1")
            }
            capacity = value
        }
        self.init(uri: uri, capacity: capacity)
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
