import CLibvirt
import Glibc

extension LibvirtConnection {
    /// MiB the host could give new guests now, as its libvirt reports it: free memory plus
    /// buffers and page cache (which the kernel gives back), like `MemAvailable`, from
    /// `virNodeGetMemoryStats`; a driver without memory statistics gives its free memory
    /// (`virNodeGetFreeMemory`), or else its total memory (`virNodeGetInfo`).
    public func availableMemoryMiB() throws(LibvirtError) -> Int {
        if let stats = memoryStatsKiB(), let free = stats["free"] {
            return Int((free + (stats["buffers"] ?? 0) + (stats["cached"] ?? 0)) / 1024)
        }
        if let free = try? freeMemoryMiB() { return free }
        return try hostResources().memoryMiB
    }

    /// The host's memory statistics in KiB by name (`total`, `free`, `buffers`, `cached`), nil
    /// when the driver has none.
    func memoryStatsKiB() -> [String: UInt64]? {
        let allCells = Int32(VIR_NODE_MEMORY_STATS_ALL_CELLS.rawValue)
        var count: Int32 = 0
        guard virNodeGetMemoryStats(pointer, allCells, nil, &count, 0) == 0, count > 0 else { return nil }
        var params = [virNodeMemoryStats](repeating: virNodeMemoryStats(), count: Int(count))
        guard virNodeGetMemoryStats(pointer, allCells, &params, &count, 0) == 0 else { return nil }
        var stats: [String: UInt64] = [:]
        for param in params.prefix(Int(count)) {
            var field = param.field
            let name = withUnsafeBytes(of: &field) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            stats[name] = param.value
        }
        return stats
    }
}
