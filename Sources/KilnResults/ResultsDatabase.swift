public import Foundation
import GRDB
import KilnCore

/// Kiln's results database: every run and test attempt, recorded as it happens, in SQLite
/// (`<workdir>/kiln.sqlite`, WAL mode), and the history the gate reads (``GateHistory``).
///
/// Each write is one transaction, so a Kiln killed at any point (even `kill -9`) leaves the
/// database consistent: a run whose process died stays `running` until the database is opened
/// again on its host, which marks it `interrupted`. The verdicts such a run recorded before it
/// died still count, in the gate's history and in the rates, as they were real verdicts; the
/// run's status tells them apart.
///
/// Several Kiln processes may use one database at once: writers wait for each other (up to
/// ``busyTimeout``), readers never wait.
public struct ResultsDatabase: Sendable {
    /// The database file's name in a work directory.
    public static let fileName = "kiln.sqlite"
    /// Kiln's work directory when none is given.
    public static let defaultWorkDirectory = ".work"
    /// How long a write waits for another process's write to end.
    public static let busyTimeout: TimeInterval = 30

    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// The database of the work directory `workDirectory`.
    public static func path(workDirectory: String) -> String {
        "\(workDirectory)/\(fileName)"
    }

    /// Opens the database at `path`, creating it (and its directory) unless `createIfMissing`
    /// is false, and migrates it to the current schema. Then marks interrupted the runs of
    /// `hostname` whose Kiln process is gone (``markInterrupted(hostname:isAlive:)``).
    public init(path: String, createIfMissing: Bool = true, hostname: String = ProcessInfo.processInfo.hostName,
                isAlive: (Int32) -> Bool = ProcessLiveness.isAlive) throws(ResultsDatabaseError) {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard createIfMissing else { throw .missing(path: path) }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw .unusable(path: path, reason: "\(error)")
                }
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try ResultsSchema.migrator.migrate(pool)
        } catch {
            throw .unusable(path: path, reason: "\(error)")
        }
        try markInterrupted(hostname: hostname, isAlive: isAlive)
    }

    /// Runs `body` in one write transaction, wrapping SQLite's errors.
    func write<T>(_ body: (Database) throws -> T) throws(ResultsDatabaseError) -> T {
        try wrappingErrors { try pool.write(body) }
    }

    /// Runs `body` on a snapshot of the database, wrapping SQLite's errors.
    func read<T>(_ body: (Database) throws -> T) throws(ResultsDatabaseError) -> T {
        try wrappingErrors { try pool.read(body) }
    }

    private func wrappingErrors<T>(_ access: () throws -> T) throws(ResultsDatabaseError) -> T {
        do {
            return try access()
        } catch let error as ResultsDatabaseError {
            throw error
        } catch {
            throw .sqlite(path: path, reason: "\(error)")
        }
    }
}

/// Whether a process of this host still runs.
public enum ProcessLiveness {
    /// True when `pid` exists (even if it belongs to another user) and is not a zombie: a
    /// process killed but not yet reaped by its parent is gone too.
    @Sendable public static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // /proc/PID/stat: "PID (COMMAND) STATE ...", where COMMAND may hold spaces and parentheses.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: end)...].drop { $0 == " " }.first != "Z"
    }
}
