import ArgumentParser
import Foundation
import KilnHarness
import KilnPlatform

/// `kiln destroy`: stops machines that `kiln spawn` or `kiln run --keep-failed` holds.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Stop running machines (kiln spawn, kiln run --keep-failed) and remove what they left.",
        discussion: """
            Each name is a machine's name, SESSION/NAME, or a session's name; a machine's whole session stops (the \
            process holding it gets SIGTERM; Kiln waits until it and its QEMUs are gone, then removes the \
            registry entry). Sessions whose process is gone are removed too. Exit status 2: no such machine.
            """)

    @Argument(help: "Machines or sessions to stop.")
    var names: [String] = []

    @Flag(help: "Stop every session of the work directory.")
    var all = false

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        guard all != !names.isEmpty else {
            throw RunCommand.fail(all ? "name machines or use --all, not both" : "name the machines or sessions to stop, or use --all", status: 2)
        }
        let registry = MachineRegistry(workdir: workdir.path)
        let listings = registry.list()
        var targets: [MachineRegistry.Listing] = []
        if all {
            targets = listings
        } else {
            for name in names {
                let sessionName = name.split(separator: "/").first.map(String.init) ?? name
                if let listing = listings.first(where: { $0.id == sessionName }) {
                    if !targets.contains(where: { $0.id == listing.id }) { targets.append(listing) }
                    continue
                }
                let found = try exitingOnError { try registry.find(machine: name) }
                if !targets.contains(where: { $0.id == found.session.id }) { targets.append(.live(found.session)) }
            }
        }
        if targets.isEmpty { print("kiln: no machines are running") }
        var failed = false
        for target in targets {
            switch target {
            case .live(let session):
                let stopped = await SessionStopper.stop(session, registry: registry)
                if !stopped { failed = true }
            case .stale(let session):
                registry.remove(session.id)
                print("kiln: removed \(session.id): its process (\(session.owner)) had already ended")
            case .broken(let id, let reason):
                registry.remove(id)
                print("kiln: removed \(id): \(reason)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// Stops a live session: SIGTERM to the process that holds its machines, then a wait for it
/// and its QEMUs to be gone (SIGKILL after a while: its QEMUs die with it).
enum SessionStopper {
    /// How long a session may take to stop its machines in order.
    static let grace: Duration = .seconds(90)

    /// Returns true when the session's process and QEMUs are gone and its entry removed.
    static func stop(_ session: MachineSession, registry: MachineRegistry) async -> Bool {
        let qemus = session.owner.children(named: "qemu-system-x86_64")
        let names = session.machines.map(\.name).joined(separator: ", ")
        print("kiln: stopping \(session.id)\(names.isEmpty ? "" : " (\(names))"): SIGTERM to pid \(session.owner.pid)")
        if session.owner.isRunning { kill(session.owner.pid, SIGTERM) }
        let gone = { !session.owner.isRunning && qemus.allSatisfy { !$0.isRunning } }
        if !(await waitUntil(gone, timeout: grace)) {
            if session.owner.isRunning { kill(session.owner.pid, SIGKILL) }
            if !(await waitUntil(gone, timeout: .seconds(15))) {
                FileHandle.standardError.write(Data("kiln: error: \(session.id): pid \(session.owner.pid) or its QEMUs still run after SIGKILL\n".utf8))
                return false
            }
        }
        registry.remove(session.id)
        print("kiln: stopped \(session.id)")
        return true
    }

    private static func waitUntil(_ condition: () -> Bool, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return condition()
    }
}
