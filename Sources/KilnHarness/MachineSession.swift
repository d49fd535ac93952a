import Foundation
import KilnCore
public import KilnPlatform

/// Machines that outlive the command line that asked for them (`kiln spawn`, `kiln run
/// --keep-failed`), as registered in the work directory: who holds them, and how to reach each.
public struct MachineSession: Sendable, Equatable, Codable {
    /// A machine of the session.
    public struct Entry: Sendable, Equatable, Codable {
        /// The name `kiln ssh` and `kiln destroy` take, unique within the session.
        public var name: String
        /// The machine's `ssh-config` (absolute path).
        public var sshConfig: String
        /// The `Host` of that config to log in to.
        public var host: String
        /// For a kept machine: the test that failed on it.
        public var test: String?

        public init(name: String, sshConfig: String, host: String, test: String? = nil) {
            self.name = name
            self.sshConfig = sshConfig
            self.host = host
            self.test = test
        }

        /// `ssh -F <config> <host>`, as a user types it.
        public var sshCommand: String {
            let plain = sshConfig.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@".contains($0) }
            return "ssh -F \(plain ? sshConfig : Shell.quoted(sshConfig)) \(host)"
        }
    }

    /// The session's name: its directory under `<workdir>/machines/` (`spawn-1`, `run-2`).
    public var id: String
    /// `spawn` or `run`.
    public var kind: String
    /// The process that holds the machines (their QEMUs are its children): stopping it stops them.
    public var owner: ProcessIdentity
    /// When the session started (ISO 8601).
    public var startedAt: String
    /// True once every machine answers on SSH; until then `machines` may be empty.
    public var ready: Bool
    public var machines: [Entry]

    /// A session started now unless `startedAt` says otherwise.
    public init(id: String, kind: String, owner: ProcessIdentity, startedAt: String? = nil, ready: Bool = false, machines: [Entry] = []) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.startedAt = startedAt ?? ISO8601DateFormatter().string(from: Date())
        self.ready = ready
        self.machines = machines
    }
}
