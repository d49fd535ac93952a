/// What an upgrade must end in.
public enum UpgradeExpectation: Sendable, Equatable {
    /// The machine runs `version` (the candidate) after the update.
    case updated(to: String)
    /// The candidate `candidate` fails to boot and the machine comes back on the build it ran.
    case rolledBack(candidate: String)

    /// Whether the candidate is expected to fail and the machine to come back on the old build.
    public var isRollback: Bool {
        if case .rolledBack = self { return true }
        return false
    }
}

/// One thing an update must keep that it did not, named so a report says which.
public struct InvariantViolation: Sendable, Equatable, CustomStringConvertible {
    /// `new-version-booted`, `machine-id`, `users`, `ignition-files`, `enabled-units`,
    /// `no-failed-units`, `previous-build-kept`, `rolled-back`, `boot-attempts`.
    public var invariant: String
    public var message: String

    public init(_ invariant: String, _ message: String) {
        self.invariant = invariant
        self.message = message
    }

    public var description: String { "invariant \(invariant) broke: \(message)" }
}

/// The checks Kiln makes across every update, from the machine's state before and after
/// (kola's upgrade tests check the same by hand in each test).
public enum UpgradeInvariants {
    /// - Parameters:
    ///   - from: the build the machine ran before (its os-release version).
    ///   - expectation: the candidate booted, or a rollback to `from`.
    /// - Returns: every invariant that broke, in a fixed order; empty when all held.
    public static func check(before: MachineState, after: MachineState, from: String,
                             expectation: UpgradeExpectation) -> [InvariantViolation] {
        var broken: [InvariantViolation] = []
        if before.bootID == after.bootID {
            broken.append(.init("new-boot", "the machine did not reboot (boot id \(after.bootID) before and after)"))
        }
        switch expectation {
        case .updated(let version):
            if !after.runs(version) {
                let where_ = after.runs(from) ? "the machine is still on \(from)" : "the machine runs something else"
                broken.append(.init("new-version-booted", "\(where_) after the update: \(after.versionDescription), expected \(version)"))
            }
            if let installed = after.installed {
                let kept = installed.slots.contains { $0.version == from && $0.slot != installed.booted }
                if !kept {
                    broken.append(.init("previous-build-kept", "\(from) is not installed beside the booted build any more, so the machine cannot roll back: "
                                        + describe(installed)))
                }
            }
        case .rolledBack(let candidate):
            if !after.runs(from) {
                broken.append(.init("rolled-back", "the machine did not come back on \(from): \(after.versionDescription)"
                                    + (after.runs(candidate) ? " (the broken candidate \(candidate) booted)" : "")))
            }
            if let installed = after.installed {
                if let tried = installed.slots.first(where: { $0.version == candidate }) {
                    if tried.triesLeft != 0 {
                        broken.append(.init("boot-attempts", "the candidate's entry \(tried.entry) has tries left: systemd-boot did not use them up"))
                    }
                } else {
                    broken.append(.init("boot-attempts", "the candidate \(candidate) has no boot entry: " + describe(installed)))
                }
            }
        }
        if before.machineID != after.machineID {
            broken.append(.init("machine-id", "/etc/machine-id changed from \(before.machineID) to \(after.machineID)"))
        }
        let afterUsers = Dictionary(after.users.map { (String($0.prefix { $0 != ":" }), $0) }, uniquingKeysWith: { a, _ in a })
        var userChanges: [String] = []
        for line in before.users {
            let name = String(line.prefix { $0 != ":" })
            if let now = afterUsers[name] {
                if now != line { userChanges.append("\(name) changed (\(line) -> \(now))") }
            } else {
                userChanges.append("\(name) is gone")
            }
        }
        if !userChanges.isEmpty { broken.append(.init("users", userChanges.joined(separator: "; "))) }
        var nodeChanges: [String] = []
        for (path, was) in before.ignitionNodes.sorted(by: { $0.key < $1.key }) {
            let now = after.ignitionNodes[path] ?? "missing"
            if now != was {
                nodeChanges.append(now == "missing" ? "\(path) is gone" : "\(path) changed (\(short(was)) -> \(short(now)))")
            }
        }
        if !nodeChanges.isEmpty {
            broken.append(.init("ignition-files", "files written by Ignition were lost or changed: " + nodeChanges.joined(separator: "; ")))
        }
        let disabled = before.enabledUnits.filter { !after.enabledUnits.contains($0) }
        if !disabled.isEmpty {
            broken.append(.init("enabled-units", "no longer enabled: " + disabled.joined(separator: ", ")))
        }
        if !after.failedUnits.isEmpty {
            broken.append(.init("no-failed-units", "failed after the update: " + after.failedUnits.joined(separator: ", ")))
        }
        return broken
    }

    /// The installed builds, for messages: `a: 12.1 (slot-a.conf, booted), b: 12.2 (slot-b+0-3.conf)`.
    public static func describe(_ status: UpdateStatus) -> String {
        if status.slots.isEmpty { return "no boot entries (booted slot \(status.booted))" }
        return status.slots.map { slot in
            "\(slot.slot): \(slot.version) (\(slot.entry)\(slot.slot == status.booted ? ", booted" : ""))"
        }.joined(separator: ", ")
    }

    private static func short(_ value: String) -> String {
        value.count == 64 && value.allSatisfy(\.isHexDigit) ? "sha256 \(value.prefix(12))…" : value
    }
}
