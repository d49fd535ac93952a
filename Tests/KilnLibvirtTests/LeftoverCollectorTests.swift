import Foundation
import KilnPlatform
import Synchronization
import Testing

@testable import KilnLibvirt

/// `kiln gc`'s rules against the test driver: only Kiln's domains of this host whose Kiln is
/// gone are destroyed; live runs and other hosts' domains are kept.
@Suite(.serialized) struct LeftoverCollectorTests {
    private static let deadPID: Int32 = 999_999

    private func domain(_ name: String, host: String, pid: Int32, startTime: UInt64? = nil,
                        on connection: LibvirtConnection) throws -> LibvirtDomain {
        var xml = LibvirtConnectionTests.sample(name: name)
        xml.label = KilnDomainLabel(runID: "run-\(name)", host: host, pid: pid, startTime: startTime)
        return try connection.createTransientDomain(xml: xml.rendered)
    }

    @Test func onlyThisHostsDomainsOfDeadRunsAreDestroyed() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let suffix = UUID().uuidString.prefix(8)
        let collector = LeftoverCollector(hostName: "here", workRoot: "/nonexistent", isAlive: { pid, _ in pid != Self.deadPID })
        let dead = try domain("gc-dead-\(suffix)", host: "here", pid: Self.deadPID, on: connection)
        let live = try domain("gc-live-\(suffix)", host: "here", pid: getpid(), on: connection)
        let elsewhere = try domain("gc-other-\(suffix)", host: "there", pid: Self.deadPID, on: connection)
        defer {
            try? live.destroy()
            try? elsewhere.destroy()
        }
        let dry = try collector.collectDomains(on: connection, dryRun: true).filter { $0.what.contains(String(suffix)) }
        #expect(dry.filter { $0.action == .wouldRemove }.map(\.what) == ["domain \(dead.name) on test:///default (run run-\(dead.name))"])
        #expect(try connection.domain(named: dead.name) != nil, "a dry run removes nothing")
        let findings = try collector.collectDomains(on: connection, dryRun: false).filter { $0.what.contains(String(suffix)) }
        #expect(findings.filter { $0.action == .removed }.count == 1)
        #expect(findings.filter { $0.action == .kept }.count == 2)
        #expect(try connection.domain(named: dead.name) == nil)
        #expect(try connection.domain(named: live.name) != nil && connection.domain(named: elsewhere.name) != nil)
        // The test driver's own domain carries no label and is never touched.
        #expect(try connection.domain(named: "test") != nil)
    }

    /// A pid reused by another process does not keep a dead run's domains: the label's start
    /// time is compared with the process that has the pid now.
    @Test func aReusedPidDoesNotLookAlive() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let suffix = UUID().uuidString.prefix(8)
        let me = ProcessIdentity.current()
        let collector = LeftoverCollector(hostName: "here", workRoot: "/nonexistent", isAlive: { LeftoverCollector.processIsAlive($0, startTime: $1) })
        let live = try domain("gc-me-\(suffix)", host: "here", pid: me.pid, startTime: me.startTime, on: connection)
        let reused = try domain("gc-reused-\(suffix)", host: "here", pid: me.pid, startTime: me.startTime + 1, on: connection)
        // An older Kiln's label has no start time: the pid alone decides.
        let old = try domain("gc-old-\(suffix)", host: "here", pid: me.pid, on: connection)
        defer {
            try? live.destroy()
            try? old.destroy()
            try? reused.destroy()
        }
        let findings = try collector.collectDomains(on: connection, dryRun: false).filter { $0.what.contains(String(suffix)) }
        let byName = Dictionary(uniqueKeysWithValues: findings.map { ($0.what.split(separator: " ")[1], $0) })
        #expect(byName[Substring(live.name)]?.action == .kept)
        #expect(byName[Substring(old.name)]?.action == .kept)
        #expect(byName[Substring(reused.name)]?.action == .removed)
        #expect(byName[Substring(reused.name)]?.reason == "Kiln (pid \(me.pid) started at tick \(me.startTime + 1)) is gone")
        #expect(try connection.domain(named: reused.name) == nil)
        #expect(try connection.domain(named: live.name) != nil)
    }

    @Test func aWorkDirectoryNamesItsKilnsStartTime() throws {
        let me = ProcessIdentity.current()
        let collector = LeftoverCollector(hostName: "here", workRoot: "/w", isAlive: { LeftoverCollector.processIsAlive($0, startTime: $1) })
        #expect(collector.judge("out-3f9a1c2e-\(me.pid).\(me.startTime)", on: nil)?.action == .kept)
        #expect(collector.judge("out-3f9a1c2e-\(me.pid).\(me.startTime + 1)", on: nil)?.action == .wouldRemove)
        #expect(collector.judge("out-3f9a1c2e@here-\(me.pid).\(me.startTime + 1)", on: "h1")?.action == .wouldRemove)
        #expect(collector.judge("out-\(me.pid)", on: nil)?.action == .kept, "a directory of an older Kiln: the pid alone")
        #expect(collector.judge("out-\(me.pid).x", on: nil) == nil)
    }

    @Test func workDirectoriesOfDeadRunsAreRemoved() throws {
        let root = NSTemporaryDirectory() + "kiln-gc-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for entry in ["run-a-\(Self.deadPID)", "run-b-\(getpid())", "not-a-run", "run-c@there-\(Self.deadPID)", "run-d@here-\(Self.deadPID)"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(entry)/m0", withIntermediateDirectories: true)
        }
        let collector = LeftoverCollector(hostName: "here", workRoot: root, isAlive: { pid, _ in pid != Self.deadPID })
        let findings = collector.collectWorkDirectories(dryRun: false)
        // Sorted: run-a (dead, removed), run-b (alive), run-c (another Kiln host's), run-d (this host's, dead).
        #expect(findings.map(\.action) == [.removed, .kept, .kept, .removed])
        #expect(findings[2].reason == "started by Kiln on there, not here")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["not-a-run", "run-b-\(getpid())", "run-c@there-\(Self.deadPID)"])
    }

    @Test func aRemoteHostsDirectoriesAreJudgedByTheirKilnHostAndPid() {
        let collector = LeftoverCollector(hostName: "ci-7", workRoot: "/var/tmp/kiln-libvirt", isAlive: { pid, _ in pid != Self.deadPID })
        #expect(collector.judge("run-x@ci-7-\(Self.deadPID)", on: "h1")
                == .init(what: "/var/tmp/kiln-libvirt/run-x@ci-7-\(Self.deadPID) on h1", action: .wouldRemove, reason: "Kiln (pid \(Self.deadPID)) is gone"))
        #expect(collector.judge("run-x@ci-7-\(getpid())", on: "h1")?.action == .kept)
        #expect(collector.judge("run-x@ci-8-\(Self.deadPID)", on: "h1")?.action == .kept)
        #expect(collector.judge("images", on: "h1") == nil)
    }
}

/// `--connect URI[,capacity=N]`.
struct LibvirtHostArgumentTests {
    @Test func parsesURIAndCapacity() throws {
        #expect(try LibvirtHostArgument(parsing: "qemu:///system") == LibvirtHostArgument(uri: "qemu:///system"))
        #expect(try LibvirtHostArgument(parsing: "qemu+unix:///system?socket=/run/x/libvirt-sock,capacity=2")
                == LibvirtHostArgument(uri: "qemu+unix:///system?socket=/run/x/libvirt-sock", capacity: 2))
        #expect(throws: LibvirtHostArgumentError.self) { try LibvirtHostArgument(parsing: "qemu:///system,capacity=0") }
        #expect(throws: LibvirtHostArgumentError.self) { try LibvirtHostArgument(parsing: "qemu:///system,slots=2") }
        #expect(throws: LibvirtHostArgumentError.self) { try LibvirtHostArgument(parsing: "") }
        #expect(try LibvirtHostArgument(parsing: "test:///default").ssh == nil)
    }

    @Test func aRemoteHostIsReachedOverSSH() throws {
        #expect(try LibvirtHostArgument(parsing: "qemu+ssh://ci@farm-1:2222/system,capacity=3")
                == LibvirtHostArgument(uri: "qemu+ssh://ci@farm-1:2222/system", capacity: 3,
                                       ssh: .init(destination: "ci@farm-1", port: 2222)))
        #expect(try LibvirtHostArgument(parsing: "qemu+ssh://farm-1/system").ssh == .init(destination: "farm-1"))
        #expect(try LibvirtHostArgument(parsing: "qemu+tcp://farm-2/system,ssh=root@farm-2:22").ssh
                == .init(destination: "root@farm-2", port: 22))
        let error = #expect(throws: LibvirtHostArgumentError.self) { try LibvirtHostArgument(parsing: "qemu+tcp://farm-2/system") }
        #expect(error?.message.contains("add ,ssh=[USER@]farm-2") == true)
        #expect(throws: LibvirtHostArgumentError.self) { try LibvirtHostArgument(parsing: "qemu+tcp://farm-2/system,ssh=") }
        #expect(throws: LibvirtHostArgumentError.self) { try LibvirtHostArgument(parsing: "qemu+tcp://farm-2/system,ssh=h:99999") }
        #expect(LibvirtHostArgument.defaultCapacity(memoryMiB: 24 * 1024, cpus: 2) == 2)
        #expect(LibvirtHostArgument.defaultCapacity(memoryMiB: 2048, cpus: 8) == 1)
    }
}

/// Room set aside for a job before its deadline.
struct PlatformAdmissionTests {
    @Test func slotsAreTakenOnceAndGivenBackTogetherOnce() {
        let given = Mutex<[String]>([])
        let admission = PlatformAdmission(slots: ["a", "b"]) { uris in given.withLock { $0 += uris } }
        #expect(admission.take() == "a")
        #expect(admission.take() == "b")
        #expect(admission.take() == nil)
        admission.release()
        admission.release()
        #expect(given.withLock { $0 } == ["a", "b"])
        #expect(PlatformAdmission.current == nil)
    }
}
