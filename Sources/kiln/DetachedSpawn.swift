import Foundation
import KilnHarness
import KilnPlatform

/// `kiln spawn --detach`: starts a background copy of this `kiln spawn` (a session of its own,
/// its output in the session's `keeper.log`) that boots and holds the machines, waits until
/// they answer on SSH, prints how to reach them, and returns. QEMU stays a child of that
/// background Kiln, so the machines still die with it; `kiln destroy` stops it.
struct DetachedSpawn {
    let session: MachineSession
    let registry: MachineRegistry

    /// Starts the keeper and waits for its machines. Returns the exit status.
    func start() async -> Int32 {
        let directory = registry.sessionDirectory(session.id)
        let logPath = "\(directory)/keeper.log"
        // Kept open here: the keeper removes the session's files as it ends, and a keeper that
        // failed is reported from this descriptor.
        let log = open(logPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { [log, devNull].filter { $0 >= 0 }.forEach { close($0) } }
        guard log >= 0, devNull >= 0 else {
            registry.remove(session.id)
            return SpawnHolder.fail("cannot open \(logPath): \(String(cString: strerror(errno)))", status: 1)
        }
        let arguments = Array(CommandLine.arguments.dropFirst()).filter { $0 != "--detach" } + ["--keeper-session", session.id]
        let keeper: ChildProcess
        do {
            let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            keeper = try await ProcessSpawner.shared.spawn(executable: executable, arguments: arguments,
                                                           descriptors: [devNull, log, log], dieWithParent: false,
                                                           grouping: .newSession)
        } catch {
            registry.remove(session.id)
            return SpawnHolder.fail("cannot start the background kiln: \(error)", status: 1)
        }
        SpawnHolder.say("kiln: session \(session.id): booting in the background (pid \(keeper.pid), log \(logPath))")
        let registry = self.registry, id = session.id
        let outcome: (Int32, Int32?)
        do {
            outcome = try await withSignalCancellation { () async -> Int32 in
                await withTaskCancellationHandler {
                    await Self.waitForReady(keeper, session: id, registry: registry, log: log)
                } onCancel: {
                    keeper.send(SIGTERM)
                }
            }
        } catch {
            return SpawnHolder.fail("\(error)", status: 1)
        }
        if let signal = outcome.1 {
            _ = await keeper.waitForExit()
            registry.remove(id)
            return 128 + signal
        }
        return outcome.0
    }

    /// Polls the session's record until the keeper says its machines are up (0), or the keeper
    /// ends first (its status; its log is printed).
    private static func waitForReady(_ keeper: ChildProcess, session id: String, registry: MachineRegistry, log: Int32) async -> Int32 {
        while !Task.isCancelled {
            if let status = keeper.exitStatus {
                registry.remove(id)
                lseek(log, 0, SEEK_SET)
                let said = FileHandle(fileDescriptor: log, closeOnDealloc: false).readDataToEndOfFile()
                FileHandle.standardError.write(said)
                switch status {
                case .exited(let code): return code == 0 ? 1 : code
                case .signalled(let signal): return SpawnHolder.fail("the background kiln was killed by signal \(signal)", status: 1)
                }
            }
            let data = FileManager.default.contents(atPath: "\(registry.sessionDirectory(id))/session.json")
            if let data, let session = try? JSONDecoder().decode(MachineSession.self, from: data),
                session.ready, session.owner.pid == keeper.pid
            {
                var lines = session.machines.flatMap { SpawnHolder.howToReach($0, note: "is up") }
                lines.append("kiln: session \(id) (pid \(keeper.pid)) keeps them running until `kiln destroy \(id)`")
                SpawnHolder.say(lines.joined(separator: "\n"))
                return 0
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return 130
    }
}
