import Foundation
import KilnCore
import KilnPlatform

/// What `kiln gc` removes: domains carrying Kiln's label whose Kiln process (on this host) is
/// gone, and the work directories of such runs under ``LibvirtPlatform/workRoot``. A run whose
/// Kiln still lives is never touched; domains started from another host are only reported.
/// A Kiln is known by its pid and its start time (``ProcessIdentity``), so that a pid reused by
/// another process does not keep a dead run's leftovers; labels and directories of Kilns that
/// did not record their start time are judged by the pid alone.
public struct LeftoverCollector: Sendable {
    /// One thing found, and what was done with it.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Action: String, Sendable { case removed, wouldRemove = "would remove", kept, failed }
        public var what: String
        public var action: Action
        public var reason: String
        public var description: String { "\(action.rawValue): \(what) (\(reason))" }
    }

    public var hostName: String
    public var workRoot: String
    /// Whether the Kiln with pid and start time (nil: not recorded) still runs on this host.
    public var isAlive: @Sendable (Int32, UInt64?) -> Bool

    /// For this host and its processes.
    public init() {
        self.init(hostName: ProcessInfo.processInfo.hostName, workRoot: LibvirtPlatform.workRoot,
                  isAlive: { Self.processIsAlive($0, startTime: $1) })
    }

    public init(hostName: String, workRoot: String, isAlive: @escaping @Sendable (Int32, UInt64?) -> Bool) {
        self.hostName = hostName
        self.workRoot = workRoot
        self.isAlive = isAlive
    }

    /// Kiln's domains on `connection`; with `dryRun` nothing is destroyed.
    public func collectDomains(on connection: LibvirtConnection, dryRun: Bool) throws(LibvirtError) -> [Finding] {
        var findings: [Finding] = []
        for domain in try connection.domains() {
            guard let element = try? domain.metadata(namespace: LibvirtDomainXML.metadataNamespace),
                let label = KilnDomainLabel(element: element)
            else { continue }
            let what = "domain \(domain.name) on \(connection.uri) (run \(label.runID))"
            if label.host != hostName {
                findings.append(Finding(what: what, action: .kept, reason: "started by Kiln on \(label.host), not here"))
            } else if isAlive(label.pid, label.startTime) {
                findings.append(Finding(what: what, action: .kept, reason: "\(Self.kiln(label.pid, label.startTime)) still runs"))
            } else if dryRun {
                findings.append(Finding(what: what, action: .wouldRemove, reason: "\(Self.kiln(label.pid, label.startTime)) is gone"))
            } else {
                do {
                    try domain.destroy()
                    findings.append(Finding(what: what, action: .removed, reason: "\(Self.kiln(label.pid, label.startTime)) is gone"))
                } catch {
                    findings.append(Finding(what: what, action: .failed, reason: "\(error)"))
                }
            }
        }
        return findings
    }

    /// Whether the process `pid` that started at `startTime` runs on this host: compared with
    /// the start time of the process that has the pid now; without a start time, whether any
    /// process has the pid.
    public static func processIsAlive(_ pid: Int32, startTime: UInt64?) -> Bool {
        guard let startTime else { return kill(pid, 0) == 0 || errno == EPERM }
        return ProcessIdentity(pid: pid, startTime: startTime).isRunning
    }

    /// "Kiln (pid 42)", or with its start time "Kiln (pid 42 started at tick 9876)".
    static func kiln(_ pid: Int32, _ startTime: UInt64?) -> String {
        "Kiln (pid \(pid)\(startTime.map { " started at tick \($0)" } ?? ""))"
    }

    /// Work directories under `workRoot` on this machine of runs whose Kiln is gone:
    /// `<run>-<pid>.<start time>` (a run on this machine's daemon) or
    /// `<run>@<host>-<pid>.<start time>` (a run of Kiln on `host` that used this machine as a
    /// remote host; kept unless `host` is this one); older Kilns wrote `<pid>` alone.
    public func collectWorkDirectories(dryRun: Bool) -> [Finding] {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: workRoot)) ?? []).sorted()
        return entries.compactMap { entry in
            guard let finding = judge(entry, on: nil), finding.action == .wouldRemove, !dryRun else { return judge(entry, on: nil) }
            do {
                try FileManager.default.removeItem(atPath: "\(workRoot)/\(entry)")
                return Finding(what: finding.what, action: .removed, reason: finding.reason)
            } catch {
                return Finding(what: finding.what, action: .failed, reason: error.localizedDescription)
            }
        }
    }

    /// The work directories this Kiln host's dead runs left on a remote host (`<run>@<this host>-<pid>.<start time>`).
    public func collectWorkDirectories(on access: any LibvirtHostAccess, dryRun: Bool) async -> [Finding] {
        let listing = (try? await access.run("ls -1 \(Shell.quoted(workRoot)) 2>/dev/null || true")) ?? ""
        var findings: [Finding] = []
        for entry in listing.split(separator: "\n").map(String.init).sorted() where entry.contains("@") {
            guard let finding = judge(entry, on: access.name) else { continue }
            guard finding.action == .wouldRemove, !dryRun else {
                findings.append(finding)
                continue
            }
            do {
                try await access.run("rm -rf \(Shell.quoted("\(workRoot)/\(entry)"))")
                findings.append(Finding(what: finding.what, action: .removed, reason: finding.reason))
            } catch {
                findings.append(Finding(what: finding.what, action: .failed, reason: "\(error)"))
            }
        }
        return findings
    }

    /// Whether work directory `entry` (on `host`; nil: this machine) is a leftover to remove
    /// (`wouldRemove`) or is kept, and why; nil when it is not a run's directory.
    func judge(_ entry: String, on host: String?) -> Finding? {
        guard let dash = entry.lastIndex(of: "-") else { return nil }
        let process = entry[entry.index(after: dash)...].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let pid = Int32(process[0]) else { return nil }
        var startTime: UInt64?
        if process.count == 2 {
            guard let ticks = UInt64(process[1]) else { return nil }
            startTime = ticks
        }
        let path = "\(workRoot)/\(entry)" + (host.map { " on \($0)" } ?? "")
        if let at = entry.lastIndex(of: "@") {
            let owner = String(entry[entry.index(after: at)..<dash])
            if owner != hostName { return Finding(what: path, action: .kept, reason: "started by Kiln on \(owner), not here") }
        }
        if isAlive(pid, startTime) { return Finding(what: path, action: .kept, reason: "\(Self.kiln(pid, startTime)) still runs") }
        return Finding(what: path, action: .wouldRemove, reason: "\(Self.kiln(pid, startTime)) is gone")
    }
}
