import Foundation
import Testing

@testable import KilnHarness
@testable import KilnPlatform

/// The registry of machines that outlive a command line (`<workdir>/machines/`).
struct MachineRegistryTests {
    func withRegistry(_ body: (MachineRegistry, String) async throws -> Void) async throws {
        let workdir = NSTemporaryDirectory() + "kiln-registry-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: workdir) }
        try await body(MachineRegistry(workdir: workdir), workdir)
    }

    func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    /// A process that has ended (and been reaped): its pid names nothing, or something else.
    func endedProcess() throws -> ProcessIdentity {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return ProcessIdentity(pid: process.processIdentifier, startTime: 1)
    }

    @Test func aReservedSessionIsLiveWithItsOwnerAndPrivateDirectories() async throws {
        try await withRegistry { registry, workdir in
            let session = try registry.reserve(prefix: "spawn", kind: "spawn")
            #expect(session.id == "spawn-1")
            #expect(session.owner == .current())
            #expect(registry.directory == "\(workdir)/machines")
            #expect(try mode(registry.directory) == 0o750)
            #expect(try mode(registry.sessionDirectory("spawn-1")) == 0o750)
            #expect(try mode("\(registry.sessionDirectory("spawn-1"))/session.json") == 0o640)
            #expect(registry.list() == [.live(session)])
        }
    }

    @Test func concurrentReservationsGetDistinctNames() async throws {
        try await withRegistry { registry, _ in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<12 { group.addTask { try registry.reserve(prefix: "spawn", kind: "spawn").id } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(ids) == Set((1...12).map { "spawn-\($0)" }))
        }
    }

    @Test func aWriteReplacesTheRecordWholeAndLeavesNoTemporaryFile() async throws {
        try await withRegistry { registry, _ in
            var session = try registry.reserve(prefix: "run", kind: "run")
            session.ready = true
            session.machines = [.init(name: "basic.ssh-m0", sshConfig: "/out/basic.ssh/m0/ssh-config", host: "m0", test: "basic.ssh")]
            try registry.write(session)
            let files = try FileManager.default.contentsOfDirectory(atPath: registry.sessionDirectory(session.id))
            #expect(files == ["session.json"])
            #expect(registry.list() == [.live(session)])
            #expect(session.machines[0].sshCommand == "ssh -F /out/basic.ssh/m0/ssh-config m0")
            session.machines[0].sshConfig = "/my runs/m0/ssh-config"
            #expect(session.machines[0].sshCommand == "ssh -F '/my runs/m0/ssh-config' m0")
        }
    }

    @Test func aSessionWhoseOwnerEndedOrWasReplacedIsStaleAndPruned() async throws {
        try await withRegistry { registry, _ in
            var dead = try registry.reserve(prefix: "spawn", kind: "spawn")
            dead.owner = try endedProcess()
            try registry.write(dead)
            // This very pid, but a start time it does not have: a reused pid is not the owner.
            var reused = try registry.reserve(prefix: "spawn", kind: "spawn")
            reused.owner = ProcessIdentity(pid: getpid(), startTime: ProcessIdentity.current().startTime + 1)
            try registry.write(reused)
            let live = try registry.reserve(prefix: "spawn", kind: "spawn")
            #expect(registry.list() == [.stale(dead), .stale(reused), .live(live)])
            #expect(registry.pruneStale() == ["spawn-1", "spawn-2"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: registry.directory) == ["spawn-3"])
        }
    }

    @Test func aDirectoryWithoutAUsableRecordIsBrokenOnceOld() async throws {
        try await withRegistry { registry, _ in
            _ = try registry.reserve(prefix: "spawn", kind: "spawn")
            try "{not json".write(toFile: "\(registry.sessionDirectory("spawn-1"))/session.json", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: registry.sessionDirectory("young"), withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: registry.sessionDirectory("old"), withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                                  ofItemAtPath: registry.sessionDirectory("old"))
            // One still being created (no record yet, a moment old) is left alone.
            #expect(registry.list() == [.broken(id: "old", reason: "no session.json"),
                                        .broken(id: "spawn-1", reason: "session.json is not a session record")])
            registry.pruneStale()
            #expect(try FileManager.default.contentsOfDirectory(atPath: registry.directory) == ["young"])
        }
    }

    @Test func machinesAreFoundByNameSessionOrBothAndUnknownNamesAreErrors() async throws {
        try await withRegistry { registry, _ in
            var first = try registry.reserve(prefix: "spawn", kind: "spawn")
            first.ready = true
            first.machines = [.init(name: "spawn-1-m0", sshConfig: "/a/m0/ssh-config", host: "m0"),
                              .init(name: "same", sshConfig: "/a/m1/ssh-config", host: "m1")]
            try registry.write(first)
            var second = try registry.reserve(prefix: "run", kind: "run")
            second.ready = true
            second.machines = [.init(name: "same", sshConfig: "/b/m0/ssh-config", host: "m0", test: "t")]
            try registry.write(second)

            #expect(try registry.find(machine: "spawn-1-m0").machine.host == "m0")
            #expect(try registry.find(machine: "spawn-1").machine.name == "spawn-1-m0")
            #expect(try registry.find(machine: "run-1/same").machine.sshConfig == "/b/m0/ssh-config")
            #expect(throws: MachineRegistryError.ambiguous("same", sessions: ["run-1", "spawn-1"])) {
                try registry.find(machine: "same")
            }
            let unknown = MachineRegistryError.unknownMachine("nosuch", running: ["same", "spawn-1-m0", "same"])
            #expect(throws: unknown) { try registry.find(machine: "nosuch") }
            #expect(unknown.description == "no running machine named 'nosuch'; running: same, spawn-1-m0, same")
            // A session still booting has no machines to offer.
            var booting = try registry.reserve(prefix: "spawn", kind: "spawn")
            booting.machines = [.init(name: "spawn-2-m0", sshConfig: "/c", host: "m0")]
            try registry.write(booting)
            #expect(throws: MachineRegistryError.self) { try registry.find(machine: "spawn-2-m0") }
        }
    }

    @Test func aWorldWritableRegistryIsRefused() async throws {
        try await withRegistry { registry, _ in
            try FileManager.default.createDirectory(atPath: registry.directory, withIntermediateDirectories: true)
            chmod(registry.directory, 0o777)
            #expect {
                try registry.reserve(prefix: "spawn", kind: "spawn")
            } throws: { error in
                "\(error)".contains("is world-writable (mode 777)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: registry.directory).isEmpty)
        }
    }

    @Test func procStatIsReadPastACommandWithSpacesAndParentheses() {
        let fields = (4...52).map(String.init).joined(separator: " ")
        let text = "4242 (kiln (spawn) x) Z \(fields)\n"
        let parsed = ProcessIdentity.parseStat(text)
        #expect(parsed?.state == "Z")
        #expect(parsed?.startTime == 22)
        #expect(ProcessIdentity.parseStat("4242 kiln S 1") == nil)
        #expect(ProcessIdentity.parseStat("4242 (kiln) S 1 2 3") == nil)
        #expect(ProcessIdentity.current().isRunning)
        #expect(ProcessIdentity.running(getpid()) == .current())
    }
}
