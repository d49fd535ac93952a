public import KilnCore

/// Why a machine could not be booted or reached.
public enum MachineError: Error, Sendable, CustomStringConvertible {
    /// The console shows the boot cannot succeed (Ignition failed, kernel panic, emergency mode).
    case bootFailed(machine: String, ConsoleAnalyzer.Fatal, console: String)
    /// The hypervisor process ended before or while the machine was in use.
    case hypervisorExited(machine: String, status: String, log: String, consoleTail: String)
    /// The hypervisor could not be started or set up.
    case setupFailed(machine: String, String)

    public var description: String {
        switch self {
        case .bootFailed(let machine, let fatal, let console):
            "machine \(machine): \(fatal)\n(console: \(console))"
        case .hypervisorExited(let machine, let status, let log, let consoleTail):
            "machine \(machine): QEMU ended unexpectedly (\(status))"
                + (log.isEmpty ? "" : "\nQEMU said: \(log)")
                + (consoleTail.isEmpty ? "" : "\nlast console lines:\n\(consoleTail)")
        case .setupFailed(let machine, let reason):
            "machine \(machine): \(reason)"
        }
    }
}
