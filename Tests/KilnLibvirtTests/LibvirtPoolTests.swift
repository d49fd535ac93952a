import Foundation
import KilnCore
import KilnPlatform
import KilnSSH
import Logging
import Testing

@testable import KilnLibvirt

/// The pool's admission against libvirt's test driver: by its host's slots and memory, not this
/// machine's; jobs that can never fit refused at once.
struct LibvirtPoolTests {
    private func pool(capacity: Int, memoryMiB: Int?) async throws -> LibvirtPool {
        let host = try LibvirtHost(uri: "test:///default")
        let image = BootImage(path: "/nonexistent/image.qcow2", firmware: .bios, loginUser: "core", ignitionSpecMax: nil)
        let platform = try await LibvirtPlatform(host: host, image: image, imageSHA256: "", accelerator: .tcg,
                                                 sshKey: .generateEd25519(comment: "test"), runID: LibvirtRunID(outputDirectory: "t"),
                                                 logger: Logger(label: "test"))
        return LibvirtPool(hosts: [.init(platform: platform, capacity: capacity, memoryMiB: memoryMiB)], logger: Logger(label: "test"))
    }

    @Test func jobsAreAdmittedByTheHostsSlotsAndMemory() async throws {
        let pool = try await pool(capacity: 2, memoryMiB: 3000)
        #expect(!pool.runsMachinesLocally, "the local budget does not apply")
        #expect(pool.capacity == 2 && pool.liveCapacity == 2)
        let admission = try #require(try await pool.admit(machines: 2, memoryMiB: 1024))
        #expect(admission.memoryMiB == 1024 + LibvirtPool.qemuOverheadMiB)
        #expect(pool.hosts[0].room.snapshot.running == 2)
        #expect(pool.hosts[0].room.snapshot.reservedMiB == 2 * 1280)
        admission.release()
        #expect(pool.hosts[0].room.snapshot == .init(running: 0, reservedMiB: 0, drained: nil, failureStreak: 0))
    }

    @Test func aJobLargerThanEveryHostIsRefusedNotQueued() async throws {
        let pool = try await pool(capacity: 4, memoryMiB: 3000)
        #expect(pool.neverFits(machines: 1, memoryMiB: 2048) == nil)
        #expect(pool.neverFits(machines: 1, memoryMiB: 4096)
                == "the job needs 1 machine(s) of 4352 MiB at once; the host has 4 slot(s) and at most 3000 MiB for guests on one host")
        #expect(pool.neverFits(machines: 3, memoryMiB: 1024) != nil, "3 × 1280 MiB do not fit 3000 MiB")
        await #expect(throws: MachineError.self) { _ = try await pool.admit(machines: 1, memoryMiB: 4096) }
        // Once the host is drained, what fits it waits for nothing either.
        _ = pool.hosts[0].room.drain("lost")
        #expect(try await pool.admit(machines: 1, memoryMiB: 1024) == nil, "withMachine then says every host failed")
    }
}
