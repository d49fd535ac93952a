import Foundation

/// The QEMU of a domain whose local daemon died: libvirt can no longer destroy it, so Kiln
/// ends the process itself (found by the `-name guest=<domain>` libvirt gives QEMU), leaving
/// no guest running behind a lost daemon.
enum OrphanedQEMU {
    /// Whether `uri` names a daemon on this machine (no host part).
    static func isLocal(_ uri: String) -> Bool {
        guard let range = uri.range(of: "://") else { return false }
        return uri[range.upperBound...].hasPrefix("/")
    }

    /// Sends SIGKILL to the QEMU processes of `domain`; returns their pids.
    @discardableResult
    static func kill(domain: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let pids = entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.first?.hasSuffix("qemu-system-x86_64") == true
                && arguments.contains { $0 == "guest=\(domain),debug-threads=on" || $0 == "guest=\(domain)" }
        }
        for pid in pids { Glibc.kill(pid, SIGKILL) }
        return pids
    }
}
