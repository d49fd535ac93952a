public import KilnCore
public import KilnPlatform

/// A machine whose SSH side is an ``SSHGuest``: the `Machine` requirements come from it, and
/// a platform adds only how its hypervisor stops (`destroy`).
public protocol GuestMachine: Machine {
    var guest: SSHGuest { get }
    /// Logs out and stops the hypervisor; the machine is gone afterwards.
    func destroy() async
}

extension GuestMachine {
    public var id: String { guest.id }
    public var artifactsDirectory: String { guest.artifactsDirectory }
    public func run(_ command: String, timeout: Duration?) async throws -> CommandResult { try await guest.run(command, timeout: timeout) }
    public func reboot() async throws { try await guest.reboot() }
    public func awaitReboot(from bootID: String, timeout: Duration) async throws {
        try await guest.awaitReboot(from: bootID, timeout: timeout)
    }
    public func upload(_ bytes: [UInt8], to path: String, mode: Int32) async throws {
        try await guest.upload(bytes, to: path, mode: mode)
    }
    public func bootReport() -> MachineReport { guest.bootReport() }

    /// What every platform's `withMachine` does with a started machine: waits for SSH, runs
    /// `body`, saves the journal while the guest still answers, and destroys the machine
    /// however `body` ends.
    public func use<R: Sendable>(_ body: @Sendable (any Machine) async throws -> R) async throws -> R {
        let result: R
        do {
            try await guest.waitForSSH()
            result = try await body(self)
        } catch {
            if !Task.isCancelled { await guest.saveJournal() }
            await destroy()
            throw error
        }
        await guest.saveJournal()
        await destroy()
        return result
    }
}
