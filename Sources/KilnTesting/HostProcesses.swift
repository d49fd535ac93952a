import Foundation

/// Looks at the host's processes, to prove that nothing was left running.
public enum HostProcesses {
    /// Pids of QEMU processes whose command line contains `fragment` (a path of their machine).
    public static func qemu(_ fragment: String) -> [Int32] {
        matching(fragment).filter { pid in
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
            return exe.hasSuffix("qemu-system-x86_64")
        }
    }

    /// Pids of processes whose command line contains `fragment`.
    public static func matching(_ fragment: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let cmdline = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            return cmdline.contains(fragment) && state != "Z"
        }
    }

    /// Waits up to `timeout` for no QEMU to match `fragment`; true when none is left.
    public static func waitUntilNoQEMU(_ fragment: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if qemu(fragment).isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return qemu(fragment).isEmpty
    }
}
