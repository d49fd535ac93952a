import CLibvirt
import Foundation
import Testing

@testable import KilnLibvirt

/// Whether a failed domain start is the host's or the machine's, from libvirt's codes.
struct DomainStartVerdictTests {
    private func verdict(_ code: virErrorNumber, _ domain: virErrorDomain = VIR_FROM_QEMU, _ message: String = "x",
                         alive: Bool = true) -> DomainStartVerdict {
        DomainStartVerdict.classify(code: Int32(code.rawValue), domain: Int32(domain.rawValue), message: message,
                                    connectionAlive: alive)
    }

    @Test func aLostConnectionIsTheHostsWhateverTheError() {
        #expect(verdict(VIR_ERR_XML_ERROR, alive: false) == .hostLost)
        #expect(verdict(VIR_ERR_INTERNAL_ERROR, alive: false) == .hostLost)
    }

    @Test func aDaemonThatCannotStartQEMUIsTheHosts() {
        #expect(verdict(VIR_ERR_INTERNAL_ERROR, VIR_FROM_QEMU, "internal error: process exited while connecting to monitor") == .hostSide)
        #expect(verdict(VIR_ERR_SYSTEM_ERROR, VIR_FROM_CGROUP, "Unable to create cgroup") == .hostSide)
        #expect(verdict(VIR_ERR_OPERATION_TIMEOUT) == .hostSide)
        #expect(verdict(VIR_ERR_NO_MEMORY) == .hostSide)
        // The transport's errors, whatever their code.
        #expect(verdict(VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, "Cannot recv data: Connection reset by peer") == .hostSide)
        #expect(verdict(VIR_ERR_OPERATION_FAILED, VIR_FROM_REMOTE, "x") == .hostSide)
    }

    @Test func theMachinesOwnFailuresNeverCountAgainstTheHost() {
        // A taken SSH port is an internal error to QEMU; Kiln's third port failing is still the machine's.
        #expect(verdict(VIR_ERR_INTERNAL_ERROR, VIR_FROM_QEMU,
                        "internal error: process exited while connecting to monitor: Could not set up host forwarding rule 'tcp:127.0.0.1:40022-:22'")
                == .machineSide)
        // A name clash (another run's domain, a leftover) is never the host's.
        #expect(verdict(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN, "operation failed: domain 'kiln-out-m0' already exists with uuid 1") == .machineSide)
        #expect(verdict(VIR_ERR_DOM_EXIST) == .machineSide)
        #expect(verdict(VIR_ERR_INTERNAL_ERROR, VIR_FROM_QEMU, "domain 'kiln-out-m0' is already active") == .machineSide)
        #expect(verdict(VIR_ERR_XML_ERROR) == .machineSide)
        #expect(verdict(VIR_ERR_CONFIG_UNSUPPORTED, VIR_FROM_QEMU, "unsupported configuration: Domain requires KVM") == .machineSide)
        #expect(verdict(VIR_ERR_INVALID_ARG) == .machineSide)
        #expect(DomainStartVerdict.classify(code: -1, domain: -1, message: "unknown libvirt error", connectionAlive: true) == .machineSide)
    }

    /// The test driver's real error for a name that is taken.
    @Test func aNameClashOnTheTestDriverIsTheMachines() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let name = "kiln-clash-\(UUID().uuidString.prefix(8))"
        let first = try connection.createTransientDomain(xml: LibvirtConnectionTests.sample(name: name).rendered)
        defer { try? first.destroy() }
        let error = #expect(throws: LibvirtError.self) {
            _ = try connection.createTransientDomain(xml: LibvirtConnectionTests.sample(name: name).rendered)
        }
        let clash = try #require(error)
        #expect(DomainStartVerdict.classify(clash, connectionAlive: connection.isAlive) == .machineSide, "\(clash) domain \(clash.domain)")
    }

    @Test func twoHostSideFailuresInARowDrainAndAStartEndsTheStreak() {
        let room = HostRoom(capacity: 2, memoryMiB: nil)
        #expect(room.recordStartFailure(.hostSide, "e1") == nil)
        #expect(room.recordStartFailure(.machineSide, "m") == nil, "the machine's failure neither counts nor ends the streak")
        room.recordStart()
        #expect(room.recordStartFailure(.hostSide, "e2") == nil, "a start ended the streak")
        #expect(room.recordStartFailure(.machineSide, "m") == nil)
        let reason = room.recordStartFailure(.hostSide, "e3")
        #expect(reason == "it would not start a domain 2 times in a row: e3")
        #expect(HostRoom(capacity: 1, memoryMiB: nil).recordStartFailure(.hostLost, "gone")?.contains("connection was lost") == true)
    }
}
