import Foundation
import Testing

@testable import KilnLibvirt

/// Where a pool's machines go, without a daemon: the most free slots, memory that fits, drained
/// hosts skipped, jobs that never fit refused.
struct PoolPlacementTests {
    @Test func aMachineGoesToTheHostWithTheMostFreeSlots() {
        let rooms = [HostRoom(capacity: 2, memoryMiB: nil), HostRoom(capacity: 4, memoryMiB: nil)]
        #expect(PoolPlacement.place(rooms, memoryMiB: 1280) == 1)
        #expect(PoolPlacement.place(rooms, memoryMiB: 1280) == 1)
        // 2 free each now: the one running fewer machines.
        #expect(PoolPlacement.place(rooms, memoryMiB: 1280) == 0)
        #expect(rooms.map(\.snapshot.running) == [1, 2])
    }

    @Test func aMachineGoesWhereItsMemoryFits() {
        // The second host has more free slots but 2 GiB: a 4 GiB machine (with QEMU's overhead) goes to the first.
        let rooms = [HostRoom(capacity: 2, memoryMiB: 16_384), HostRoom(capacity: 8, memoryMiB: 2048)]
        #expect(PoolPlacement.place(rooms, memoryMiB: 4096 + 256) == 0)
        #expect(PoolPlacement.place(rooms, memoryMiB: 1024 + 256) == 1)
        // The first has a slot and 12 GiB left; a third 4 GiB machine fits there, a fourth nowhere now.
        #expect(PoolPlacement.place(rooms, memoryMiB: 4096 + 256) == 0)
        #expect(PoolPlacement.place(rooms, memoryMiB: 4096 + 256) == nil)
        #expect(rooms[0].snapshot.reservedMiB == 2 * (4096 + 256))
        rooms[0].give(memoryMiB: 4096 + 256)
        #expect(PoolPlacement.place(rooms, memoryMiB: 4096 + 256) == 0)
    }

    @Test func aDrainedHostIsSkipped() {
        let rooms = [HostRoom(capacity: 8, memoryMiB: nil), HostRoom(capacity: 1, memoryMiB: nil)]
        #expect(rooms[0].drain("lost"))
        #expect(!rooms[0].drain("again"), "drained once")
        #expect(PoolPlacement.place(rooms, memoryMiB: 1280) == 1)
        #expect(PoolPlacement.place(rooms, memoryMiB: 1280) == nil)
        #expect(PoolPlacement.preferredOrder(rooms) == [0, 1], "no free slot on either")
    }

    @Test func aJobIsAdmittedWholeOrNotAtAll() {
        let rooms = [HostRoom(capacity: 2, memoryMiB: 4096), HostRoom(capacity: 2, memoryMiB: 4096)]
        #expect(PoolPlacement.admit(rooms, machines: 3, memoryMiB: 1280)?.sorted() == [0, 0, 1])
        #expect(PoolPlacement.admit(rooms, machines: 2, memoryMiB: 1280) == nil)
        #expect(rooms.map(\.snapshot.running).reduce(0, +) == 3, "a job that does not fit takes nothing")
        #expect(rooms.map(\.snapshot.reservedMiB).reduce(0, +) == 3 * 1280)
    }

    @Test func aJobThatCanNeverFitIsRefused() {
        let rooms = [HostRoom(capacity: 4, memoryMiB: 2048), HostRoom(capacity: 1, memoryMiB: 8192)]
        #expect(PoolPlacement.refusal(rooms, machines: 1, memoryMiB: 4352) == nil)
        // Two 4 GiB machines at once: the big host has one slot, the other too little memory.
        guard case .never(let reason) = PoolPlacement.refusal(rooms, machines: 2, memoryMiB: 4352) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(reason == "the job needs 2 machine(s) of 4352 MiB at once; the 2 hosts have 5 slot(s) and at most 8192 MiB for guests on one host")
        #expect(PoolPlacement.refusal(rooms, machines: 1, memoryMiB: 9000) != nil)
        // Once the big host is drained, what only it could hold waits for nothing.
        _ = rooms[1].drain("lost")
        #expect({ if case .notOnLiveHosts = PoolPlacement.refusal(rooms, machines: 1, memoryMiB: 4352) { true } else { false } }())
        #expect(PoolPlacement.refusal(rooms, machines: 1, memoryMiB: 1280) == nil)
    }

    /// A host's memory read through libvirt, as the pool's room for it starts from.
    @Test func theTestDriverReportsMemory() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let available = try connection.availableMemoryMiB()
        let total = try connection.hostResources().memoryMiB
        #expect(available > 0 && available <= total, "\(available) of \(total) MiB")
    }
}
