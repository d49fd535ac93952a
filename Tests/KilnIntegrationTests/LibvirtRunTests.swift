import Foundation
import KilnCore
import KilnHarness
import KilnLibvirt
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// `kiln run --platform libvirt` against the local daemon (`qemu:///system`, started by
    /// `harness/libvirtd`): the same tests pass with the same reports, and a killed Kiln leaves
    /// only what `kiln gc` removes.
    @Suite(.enabled(if: LibvirtDaemon.unavailableReason == nil, Comment(rawValue: LibvirtDaemon.unavailableReason ?? "")))
    struct LibvirtRuns {
        /// Two daemons on this machine as two hosts, the first a remote host reached over SSH
        /// (instance 3: its own file system and network, `qemu+ssh://kiln-host-3/system`), the
        /// second a local one: the tests spread over both (the remote host has two slots, so
        /// the second job goes to the idle local one); the second's libvirtd is killed while its
        /// machine runs, and that test runs again on the remote host, beside the first, where
        /// every verdict comes from: the image copied there, the guests reached through the
        /// host's SSH connection, console and journal mirrored back.
        @Test(.timeLimit(.minutes(20)))
        func testsSpreadOverTwoHostsAndAFailedHostsTestsRunAgainOnTheOther() async throws {
            try await LibvirtDaemon.ensureRunning(instance: LibvirtDaemon.remoteInstance)
            try await LibvirtDaemon.ensureRunning(instance: 2)
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/lv-run"
            let first = LibvirtDaemon.uri(instance: LibvirtDaemon.remoteInstance)
            let second = LibvirtDaemon.uri(instance: 2)
            let kiln = try await KilnInvocation.start(
                ["run", "--platform", "libvirt", "--connect", "\(first),capacity=2", "--connect", "\(second),capacity=1",
                 "--build", ReferenceBuild.path, "--output-dir", out, "--parallel", "2",
                 "basic.*", "ignition.reboot", "ext.config.environment", "ext.config.data-files", "ext.config.journal"],
                in: scratch.path)
            // Both hosts get a machine; once the second's is up, its daemon dies.
            let other = try LibvirtConnection(uri: second)
            let deadline = ContinuousClock.now + .seconds(180)
            var onSecond: [String] = []
            while onSecond.isEmpty, ContinuousClock.now < deadline, kiln.process.exitStatus == nil {
                onSecond = try other.domains().map(\.name).filter { $0.hasPrefix("kiln-lv-run-") }
                try await Task.sleep(for: .milliseconds(500))
            }
            try #require(!onSecond.isEmpty, "nothing was placed on the second host; kiln said:\n\(kiln.output)")
            try await Task.sleep(for: .seconds(20))
            try LibvirtDaemon.killDaemon(instance: 2)
            let status = await kiln.process.waitForExit()
            let output = kiln.output
            #expect(status == .exited(0), "kiln said:\n\(output)")
            #expect(output.contains("infrastructure: host \(second) failed: the connection to \(second) was lost"), "\(output)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
            #expect(report.platform == "libvirt")
            #expect(report.tests.count == 17, "\(report.tests.map(\.name))")
            for test in report.tests {
                #expect(test.result == .pass, "\(test.name): \(test.error ?? "")")
            }
            // The test (or bucket) that was on the second host ran again, and says so.
            let retried = report.tests.filter { !($0.infrastructureRetries ?? []).isEmpty }
            #expect(!retried.isEmpty)
            #expect(retried.allSatisfy { $0.infrastructureRetries?.first?.contains(second) == true })
            // Every machine says where it ran; the verdicts all come from the first host.
            #expect(report.tests.flatMap(\.machines).allSatisfy { $0.host == first })
            let shared = try #require(report.tests.first { $0.name == "kiln.bucket-0" }?.machines.first)
            #expect(shared.hostKeyMatchedConsole, "the SSH host key was not checked against the console")
            #expect(shared.bootPhases.map(\.name).starts(with: ["kernel", "ignition-fetch", "ignition-files"]))
            for machine in report.tests.flatMap(\.machines) {
                let dir = "\(out)/\(machine.directory)"
                for file in ["console.txt", "config.ign", "domain.xml", "journal.txt", JournalStream.fileName] {
                    #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(dir) lacks \(file)")
                }
                let xml = try String(contentsOfFile: "\(dir)/domain.xml", encoding: .utf8)
                #expect(xml.contains("hostfwd=tcp:127.0.0.1:") && xml.contains("restrict=on"))
                // The machine's files were on the remote host; its console came back here whole.
                #expect(xml.contains("\(LibvirtPlatform.workRoot)/lv-run-") && xml.contains("@\(ProcessInfo.processInfo.hostName)-"), "\(xml)")
                let console = try String(contentsOfFile: "\(dir)/console.txt", encoding: .utf8)
                #expect(console.contains("Linux version") && console.contains("login:"), "\(dir)/console.txt is incomplete")
            }
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(retried[0].name).infrastructure-1"),
                    "the failed attempt's artifacts were not kept aside")
            // Nothing left: no domain on the first host, the lost host's QEMU killed, no work files
            // on either, no mirror or SSH connection of the run; the image's copy stays cached.
            let connection = try LibvirtConnection(uri: first)
            #expect(try connection.domains().filter { $0.name.hasPrefix("kiln-lv-run-") }.isEmpty, "a domain outlived the run")
            #expect(HostProcesses.qemu("guest=kiln-lv-run-").isEmpty, "a QEMU of the lost host is still running")
            let work = (try? FileManager.default.contentsOfDirectory(atPath: LibvirtPlatform.workRoot)) ?? []
            #expect(!work.contains { $0.hasPrefix("lv-run") }, "the run's work files were left: \(work)")
            let remoteWork = try await LibvirtDaemon.onRemoteHost("ls \(LibvirtPlatform.workRoot)")
            #expect(!remoteWork.contains("lv-run"), "the run's work files were left on the remote host: \(remoteWork)")
            #expect(HostProcesses.matching("@\(ProcessInfo.processInfo.hostName)-\(kiln.process.pid).").isEmpty, "a mirror of the run still runs")
            let sha256 = try LoadedBuild.load(from: ReferenceBuild.path).imageSHA256
            _ = try await LibvirtDaemon.onRemoteHost("test -s \(SSHHostAccess.imageDirectory)/\(sha256).qcow2")
            // libvirt did not take the build's image: QEMU ran as root without relabelling.
            let image = try FileManager.default.attributesOfItem(atPath: LoadedBuild.load(from: ReferenceBuild.path).image.path)
            #expect(image[.ownerAccountID] as? Int == 0)
        }

        @Test(.timeLimit(.minutes(5)))
        func aKilledKilnsDomainDiesWithItsConnectionAndGCRemovesExactlyItsLeftovers() async throws {
            try await LibvirtDaemon.ensureRunning()
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/lv-killed"
            let kiln = try await KilnInvocation.start(
                ["run", "--platform", "libvirt", "basic.ssh", "--build", ReferenceBuild.path, "--output-dir", out], in: scratch.path)
            let connection = try LibvirtConnection(uri: "qemu:///system")
            // AUTODESTROY: the daemon ends the domain once Kiln's connection is gone.
            let domain = try await Self.killOnceStarted(kiln, run: "lv-killed", machine: "basic.ssh-m0", on: connection)
            // What is left are the run's work files (`<run id>-<pid>.<start time>`), which gc
            // finds and removes, and nothing else.
            let entry = try #require(Self.workDirectory(of: kiln, run: "lv-killed", domain: domain,
                                                        in: (try? FileManager.default.contentsOfDirectory(atPath: LibvirtPlatform.workRoot)) ?? []))
            let leftover = "\(LibvirtPlatform.workRoot)/\(entry)"
            let (dryStatus, dry) = try await KilnInvocation.run(["gc", "--dry-run"], in: scratch.path)
            #expect(dryStatus == .exited(0))
            #expect(dry.contains("would remove: \(leftover) (Kiln (pid \(kiln.process.pid) started at tick "), "\(dry)")
            // Leftovers of other dead runs on a developer's machine may be listed too; of this run,
            // exactly its work directory.
            #expect(dry.split(separator: "\n").filter { $0.contains(entry) }.count == 1, "\(dry)")
            let (gcStatus, gc) = try await KilnInvocation.run(["gc"], in: scratch.path)
            #expect(gcStatus == .exited(0) && gc.contains("removed: \(leftover)"), "\(gc)")
            #expect(!FileManager.default.fileExists(atPath: leftover))
            #expect(try connection.domains().isEmpty, "virsh list --all is not empty")
        }

        /// One test's private network across a remote host and this machine: the hub runs in
        /// Kiln; the local machine's QEMU attaches by datagram sockets, the remote one's through
        /// a socket on its host forwarded over the host's SSH connection to the hub.
        @Test(.timeLimit(.minutes(8)))
        func aPrivateNetworkSpansARemoteHostAndThisMachine() async throws {
            try await LibvirtDaemon.ensureRunning(instance: LibvirtDaemon.remoteInstance)
            try await LibvirtDaemon.ensureRunning(instance: 1)
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/lv-net"
            let remote = LibvirtDaemon.uri(instance: LibvirtDaemon.remoteInstance)
            let (status, output) = try await KilnInvocation.run(
                ["run", "--platform", "libvirt", "--connect", "\(remote),capacity=1", "--connect", "qemu:///system,capacity=1",
                 "--build", ReferenceBuild.path, "--output-dir", out, "cluster.private-network"], in: scratch.path)
            #expect(status == .exited(0), "kiln said:\n\(output)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
            let test = try #require(report.tests.first)
            #expect(test.result == .pass, "\(test.error ?? "")")
            #expect(Set(test.machines.map(\.host)) == [remote, "qemu:///system"], "\(test.machines.map(\.host))")
            for machine in test.machines {
                let xml = try String(contentsOfFile: "\(out)/\(machine.directory)/domain.xml", encoding: .utf8)
                #expect(xml.contains(machine.host == remote ? "stream,id=private,server=off,addr.type=unix" : "dgram,id=private"), "\(xml)")
            }
            let work = (try? FileManager.default.contentsOfDirectory(atPath: LibvirtPlatform.workRoot)) ?? []
            #expect(!work.contains { $0.hasPrefix("lv-net") }, "the run's work files (or hub sockets) were left: \(work)")
            let remoteWork = try await LibvirtDaemon.onRemoteHost("ls \(LibvirtPlatform.workRoot)")
            #expect(!remoteWork.contains("lv-net"), "the run's work files were left on the remote host: \(remoteWork)")
            #expect(HostProcesses.matching("lv-net").isEmpty, "a process of the run is still running")
        }

        /// A Kiln killed while its machine runs on a remote host: the domain dies with the SSH
        /// connection Kiln's libvirt connection ran over, and `kiln gc --connect` removes the
        /// run's work files there.
        @Test(.timeLimit(.minutes(5)))
        func aKilledKilnsRemoteLeftoversAreRemovedByGC() async throws {
            try await LibvirtDaemon.ensureRunning(instance: LibvirtDaemon.remoteInstance)
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let uri = LibvirtDaemon.uri(instance: LibvirtDaemon.remoteInstance)
            let kiln = try await KilnInvocation.start(
                ["run", "--platform", "libvirt", "--connect", uri, "basic.ssh", "--build", ReferenceBuild.path,
                 "--output-dir", "\(scratch.path)/lv-gone"], in: scratch.path)
            let connection = try LibvirtConnection(uri: uri)
            let domain = try await Self.killOnceStarted(kiln, run: "lv-gone", machine: "basic.ssh-m0", on: connection)
            let listing = try await LibvirtDaemon.onRemoteHost("ls \(LibvirtPlatform.workRoot)")
            let entry = try #require(Self.workDirectory(of: kiln, run: "lv-gone", domain: domain,
                                                        in: listing.split(separator: "\n").map(String.init)))
            #expect(HostProcesses.matching(entry).isEmpty, "a mirror or QEMU of the killed run still runs")
            let leftover = "\(LibvirtPlatform.workRoot)/\(entry)"
            let (gcStatus, gc) = try await KilnInvocation.run(["gc", "--connect", uri], in: scratch.path)
            #expect(gcStatus == .exited(0), "\(gc)")
            #expect(gc.contains("removed: \(leftover) on \(LibvirtDaemon.remoteHost)"), "\(gc)")
            let remoteWork = try await LibvirtDaemon.onRemoteHost("ls \(LibvirtPlatform.workRoot)")
            #expect(!remoteWork.contains("lv-gone"), "\(remoteWork)")
            #expect(try connection.domains().isEmpty, "virsh list --all on the remote host is not empty")
        }

        /// Kills `kiln` with SIGKILL once the domain of `machine` in the run whose output
        /// directory is named `run` (`kiln-<run>-<token>-<machine>`) runs on `connection`, expects
        /// the domain gone within 30 s, and returns its name.
        @discardableResult
        static func killOnceStarted(_ kiln: KilnInvocation, run: String, machine: String,
                                    on connection: LibvirtConnection) async throws -> String {
            func find() throws -> String? {
                try connection.domains().map(\.name).first { $0.hasPrefix("kiln-\(run)-") && $0.hasSuffix("-\(machine)") }
            }
            let deadline = ContinuousClock.now + .seconds(120)
            while try find() == nil, ContinuousClock.now < deadline, kiln.process.exitStatus == nil {
                try await Task.sleep(for: .milliseconds(200))
            }
            let domain = try #require(try find(), "the domain never started; kiln said:\n\(kiln.output)")
            kiln.process.send(SIGKILL)
            _ = await kiln.process.waitForExit()
            let gone = ContinuousClock.now + .seconds(30)
            while try connection.domain(named: domain) != nil, ContinuousClock.now < gone {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try connection.domain(named: domain) == nil, "the domain outlived kiln's SIGKILL")
            return domain
        }

        /// The work directory of `kiln`'s run among `entries`: `<run id>-<pid>.<start time>`, or
        /// `<run id>@<this host>-<pid>.<start time>` on a remote host, the run id read from its
        /// domain's name.
        static func workDirectory(of kiln: KilnInvocation, run: String, domain: String, in entries: [String]) -> String? {
            let runID = run + "-" + domain.dropFirst("kiln-\(run)-".count).prefix(8)
            return entries.first { entry in
                (entry.hasPrefix("\(runID)-") || entry.hasPrefix("\(runID)@\(ProcessInfo.processInfo.hostName)-"))
                    && entry.contains("-\(kiln.process.pid).")
            }
        }
    }
}
