import Foundation
import KilnCore

/// What `kiln gc` removes: domains carrying Kiln's label whose Kiln process (on this host) is
/// gone, and the work directories of such runs under ``LibvirtPlatform/workRoot``. A run whose
/// Kiln still lives is never touched; domains started from another host are only reported.
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
    /// Whether process `pid` of this host still runs.
    public var isAlive: @Sendable (Int32) -> Bool

    /// For this host and its processes.
    public init() {
        self.init(hostName: ProcessInfo.processInfo.hostName, workRoot: LibvirtPlatform.workRoot,
                  isAlive: { kill($0, 0) == 0 || errno == EPERM })
    }

    public init(hostName: String, workRoot: String, isAlive: @escaping @Sendable (Int32) -> Bool) {
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
            } else if isAlive(label.pid) {
                findings.append(Finding(what: what, action: .kept, reason: "Kiln (pid \(label.pid)) still runs"))
            } else if dryRun {
                findings.append(Finding(what: what, action: .wouldRemove, reason: "Kiln (pid \(label.pid)) is gone"))
            } else {
                do {
                    try domain.destroy()
                    findings.append(Finding(what: what, action: .removed, reason: "Kiln (pid \(label.pid)) is gone"))
                } catch {
                    findings.append(Finding(what: what, action: .failed, reason: "\(error)"))
                }
            }
        }
        return findings
    }

    /// Work directories under `workRoot` on this machine of runs whose Kiln is gone:
    /// `<run>-<pid>` (a run on this machine's daemon) or `<run>@<host>-<pid>` (a run of Kiln on
    /// `host` that used this machine as a remote host; kept unless `host` is this one).
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

    /// The work directories this Kiln host's dead runs left on a remote host (`<run>@<this host>-<pid>`).
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
        guard let dash = entry.lastIndex(of: "-"), let pid = Int32(entry[entry.index(after: dash)...]) else { return nil }
        let path = "\(workRoot)/\(entry)" + (host.map { " on \($0)" } ?? "")
        if let at = entry.lastIndex(of: "@") {
            let owner = String(entry[entry.index(after: at)..<dash])
            if owner != hostName { return Finding(what: path, action: .kept, reason: "started by Kiln on \(owner), not here") }
        }
        if isAlive(pid) { return Finding(what: path, action: .kept, reason: "Kiln (pid \(pid)) still runs") }
        return Finding(what: path, action: .wouldRemove, reason: "Kiln (pid \(pid)) is gone")
    }
}
