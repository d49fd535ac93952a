import Foundation

/// A process of this host named so that a reused pid is not mistaken for it: its pid and its
/// start time (field 22 of `/proc/<pid>/stat`, clock ticks after boot), which a new process
/// with the same pid cannot share.
public struct ProcessIdentity: Sendable, Equatable, Codable, CustomStringConvertible {
    public var pid: Int32
    public var startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// This process.
    public static func current() -> ProcessIdentity {
        // Our own /proc entry always exists; 0 only if /proc is not mounted.
        ProcessIdentity(pid: getpid(), startTime: (try? stat(of: getpid()))?.startTime ?? 0)
    }

    /// The process running as `pid` now, nil when there is none or it has ended (a zombie
    /// waiting for its parent to reap it counts as ended).
    public static func running(_ pid: Int32) -> ProcessIdentity? {
        guard let stat = try? stat(of: pid), stat.state != "Z" else { return nil }
        return ProcessIdentity(pid: pid, startTime: stat.startTime)
    }

    /// True while this very process runs: the pid exists, is not a zombie, and started when it did.
    public var isRunning: Bool { Self.running(pid) == self }

    public var description: String { "pid \(pid) (started at tick \(startTime))" }

    /// The state letter and start time of `/proc/<pid>/stat`.
    static func stat(of pid: Int32) throws -> (state: Character, startTime: UInt64) {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let parsed = parseStat(text) else { throw CocoaError(.fileReadCorruptFile) }
        return parsed
    }

    /// Parses `/proc/<pid>/stat`: "PID (COMMAND) STATE PPID ...", where COMMAND may hold spaces
    /// and parentheses (so the fields after it are counted from its last `)`); the start time is
    /// the 22nd field. Nil for text not of that form.
    static func parseStat(_ text: String) -> (state: Character, startTime: UInt64)? {
        guard let end = text.lastIndex(of: ")") else { return nil }
        // Fields 3 and on: state is field 3, start time field 22.
        let fields = text[text.index(after: end)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 20, let state = fields[0].first, fields[0].count == 1,
            let start = UInt64(fields[19].trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return (state, start)
    }

    /// The parent pid of `pid` (field 4), nil when it cannot be read.
    static func parent(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: end)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// The running children of this process whose executable's name is `executable`.
    public func children(named executable: String) -> [ProcessIdentity] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard Self.parent(of: pid) == self.pid else { return false }
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
            return (exe as NSString).lastPathComponent == executable
        }.compactMap(Self.running)
    }
}
