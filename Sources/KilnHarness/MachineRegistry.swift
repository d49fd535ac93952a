import Foundation
import KilnPlatform

/// The live machine sessions of a work directory, `<workdir>/machines/`: one directory per
/// session (mode 0750), holding its `session.json` (written atomically) and, for `kiln spawn`,
/// the machines' artifacts and the session's SSH identity. The directory is never
/// world-writable: Kiln signals the processes its entries name.
public struct MachineRegistry: Sendable {
    /// `<workdir>/machines`.
    public let directory: String

    /// How long a session directory may lack its `session.json` (being created) before it is stale.
    static let creationGrace: TimeInterval = 60

    public init(workdir: String) {
        let absolute = workdir.hasPrefix("/") ? workdir : "\(FileManager.default.currentDirectoryPath)/\(workdir)"
        directory = URL(fileURLWithPath: absolute).appendingPathComponent("machines").standardizedFileURL.path
    }

    /// A session's directory.
    public func sessionDirectory(_ id: String) -> String { "\(directory)/\(id)" }

    /// Creates a new session directory `<prefix>-N` (the smallest free N; `mkdir` makes the choice
    /// atomic between Kiln processes) and writes its first `session.json`, owned by this process.
    /// - Throws: `MachineRegistryError` when the registry cannot be created or is world-writable.
    public func reserve(prefix: String, kind: String) throws(MachineRegistryError) -> MachineSession {
        try ensureDirectory()
        for number in 1...10_000 {
            let id = "\(prefix)-\(number)"
            if mkdir(sessionDirectory(id), 0o750) == 0 {
                chmod(sessionDirectory(id), 0o750)
                let session = MachineSession(id: id, kind: kind, owner: .current())
                do {
                    try write(session)
                } catch {
                    try? FileManager.default.removeItem(atPath: sessionDirectory(id))
                    throw error
                }
                return session
            }
            guard errno == EEXIST else { throw MachineRegistryError.unusable(path: sessionDirectory(id), reason: "cannot create it: \(String(cString: strerror(errno)))") }
        }
        throw MachineRegistryError.unusable(path: directory, reason: "10000 sessions named \(prefix)-N already exist")
    }

    /// Replaces the session's `session.json` (atomically: a reader sees the old record or the new).
    public func write(_ session: MachineSession) throws(MachineRegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(session)
            try AtomicFile.write(to: "\(sessionDirectory(session.id))/session.json", permissions: 0o640) { try $0.write(data) }
        } catch {
            throw MachineRegistryError.unusable(path: "\(sessionDirectory(session.id))/session.json", reason: "\(error)")
        }
    }

    /// What a session directory holds: its record, or why it has none that can be used.
    public enum Listing: Sendable, Equatable {
        /// A session whose owner still runs.
        case live(MachineSession)
        /// A session whose owner is gone (or was replaced by another process with its pid).
        case stale(MachineSession)
        /// A directory without a readable record (`reason` says what is wrong).
        case broken(id: String, reason: String)

        public var id: String {
            switch self {
            case .live(let session), .stale(let session): session.id
            case .broken(let id, _): id
            }
        }
    }

    /// Every session directory, sorted by name. A directory still being created (no record yet,
    /// younger than a minute) is left out.
    public func list() -> [Listing] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return names.compactMap { name -> Listing? in
            let path = "\(sessionDirectory(name))/session.json"
            guard let data = FileManager.default.contents(atPath: path) else {
                let created = (try? FileManager.default.attributesOfItem(atPath: sessionDirectory(name))[.modificationDate]) as? Date
                if let created, Date().timeIntervalSince(created) < Self.creationGrace { return nil }
                return .broken(id: name, reason: "no session.json")
            }
            guard let session = try? JSONDecoder().decode(MachineSession.self, from: data) else {
                return .broken(id: name, reason: "session.json is not a session record")
            }
            guard session.id == name else {
                return .broken(id: name, reason: "session.json names session '\(session.id)'")
            }
            return session.owner.isRunning ? .live(session) : .stale(session)
        }
    }

    /// Removes the directories of stale and broken sessions; returns their names.
    @discardableResult
    public func pruneStale() -> [String] {
        list().compactMap { listing in
            if case .live = listing { return nil }
            remove(listing.id)
            return listing.id
        }
    }

    /// Removes a session's directory and everything in it.
    public func remove(_ id: String) {
        guard !id.isEmpty, !id.contains("/"), id != ".", id != ".." else { return }
        try? FileManager.default.removeItem(atPath: sessionDirectory(id))
    }

    /// The live session and machine that `name` means: a machine's name, `SESSION/NAME`, or a
    /// session's name (its first machine).
    /// - Throws: `MachineRegistryError` naming what is known when none or several match.
    public func find(machine name: String) throws(MachineRegistryError) -> (session: MachineSession, machine: MachineSession.Entry) {
        let live = list().compactMap { listing -> MachineSession? in
            if case .live(let session) = listing, session.ready { return session }
            return nil
        }
        var found: [(MachineSession, MachineSession.Entry)] = []
        if let slash = name.firstIndex(of: "/") {
            let sessionName = String(name[..<slash]), machineName = String(name[name.index(after: slash)...])
            found = live.filter { $0.id == sessionName }.flatMap { session in
                session.machines.filter { $0.name == machineName }.map { (session, $0) }
            }
        } else {
            found = live.flatMap { session in session.machines.filter { $0.name == name }.map { (session, $0) } }
            if found.isEmpty, let session = live.first(where: { $0.id == name }), let first = session.machines.first {
                found = [(session, first)]
            }
        }
        if found.count == 1 { return found[0] }
        if found.count > 1 {
            throw .ambiguous(name, sessions: found.map(\.0.id))
        }
        throw .unknownMachine(name, running: live.flatMap { session in session.machines.map(\.name) })
    }

    /// Creates the registry directory (0750) unless it exists; refuses one others may write to.
    func ensureDirectory() throws(MachineRegistryError) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try ArtifactDirectory.create(directory)
            } catch {
                throw MachineRegistryError.unusable(path: directory, reason: "cannot create it: \(error.localizedDescription)")
            }
            return
        }
        guard isDirectory.boolValue else { throw MachineRegistryError.unusable(path: directory, reason: "exists and is not a directory") }
        let mode = ((try? FileManager.default.attributesOfItem(atPath: directory))?[.posixPermissions] as? Int) ?? 0
        if mode & 0o002 != 0 {
            throw MachineRegistryError.unusable(path: directory, reason: String(format: "is world-writable (mode %o); Kiln signals the processes its entries name, so it refuses it (chmod o-w it)", mode))
        }
    }
}

/// A registry that cannot be used, or a machine that is not in it.
public enum MachineRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The registry (or a session's directory or record) cannot be used.
    case unusable(path: String, reason: String)
    /// No live session has a machine of that name.
    case unknownMachine(String, running: [String])
    /// Several live sessions have a machine of that name.
    case ambiguous(String, sessions: [String])

    public var description: String {
        switch self {
        case .unusable(let path, let reason):
            "\(path): \(reason)"
        case .unknownMachine(let name, let running):
            "no running machine named '\(name)'" + (running.isEmpty ? " (no machines are running)" : "; running: \(running.joined(separator: ", "))")
        case .ambiguous(let name, let sessions):
            "'\(name)' is a machine of several sessions (\(sessions.joined(separator: ", "))); name it as SESSION/\(name)"
        }
    }
}
