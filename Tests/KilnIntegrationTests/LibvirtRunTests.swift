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
        @Test(.timeLimit(.minutes(15)))
        func builtInAndExternalTestsPassInLibvirtDomains() async throws {
            try await LibvirtDaemon.ensureRunning()
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let out = "\(scratch.path)/lv-run"
            let (status, output) = try await KilnInvocation.run(
                ["run", "--platform", "libvirt", "--connect", "qemu:///system", "--build", ReferenceBuild.path,
                 "--output-dir", out, "--parallel", "2",
                 "basic.*", "ignition.reboot", "ext.config.environment", "ext.config.data-files", "ext.config.journal"],
                in: scratch.path)
            #expect(status == .exited(0), "kiln said:\n\(output)")
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
            #expect(report.platform == "libvirt")
            #expect(report.tests.count == 17, "\(report.tests.map(\.name))")
            for test in report.tests {
                #expect(test.result == .pass, "\(test.name): \(test.error ?? "")")
            }
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
            }
            // ignition.reboot rebooted within its domain: the reset came as libvirt's reboot event.
            let rebooted = try #require(report.tests.first { $0.name == "ignition.reboot" })
            #expect(rebooted.output.contains("rebooted"))
            let connection = try LibvirtConnection(uri: "qemu:///system")
            #expect(try connection.domains().filter { $0.name.hasPrefix("kiln-lv-run-") }.isEmpty, "a domain outlived the run")
            let work = (try? FileManager.default.contentsOfDirectory(atPath: LibvirtPlatform.workRoot)) ?? []
            #expect(!work.contains { $0.hasPrefix("lv-run-") }, "the run's work files were left: \(work)")
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
            let domainName = "kiln-lv-killed-basic.ssh-m0"
            let deadline = ContinuousClock.now + .seconds(120)
            while try connection.domain(named: domainName) == nil, ContinuousClock.now < deadline, kiln.process.exitStatus == nil {
                try await Task.sleep(for: .milliseconds(200))
            }
            try #require(try connection.domain(named: domainName) != nil, "the domain never started; kiln said:\n\(kiln.output)")
            kiln.process.send(SIGKILL)
            _ = await kiln.process.waitForExit()
            // AUTODESTROY: the daemon ends the domain once Kiln's connection is gone.
            let gone = ContinuousClock.now + .seconds(30)
            while try connection.domain(named: domainName) != nil, ContinuousClock.now < gone {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try connection.domain(named: domainName) == nil, "the domain outlived kiln's SIGKILL")
            // What is left are the run's work files, which gc finds and removes, and nothing else.
            let leftover = "\(LibvirtPlatform.workRoot)/lv-killed-\(kiln.process.pid)"
            #expect(FileManager.default.fileExists(atPath: leftover))
            let (dryStatus, dry) = try await KilnInvocation.run(["gc", "--dry-run"], in: scratch.path)
            #expect(dryStatus == .exited(0))
            #expect(dry.contains("would remove: \(leftover) (Kiln (pid \(kiln.process.pid)) is gone)"), "\(dry)")
            // Leftovers of other dead runs on a developer's machine may be listed too; of this run,
            // exactly its work directory.
            #expect(dry.split(separator: "\n").filter { $0.contains("lv-killed-\(kiln.process.pid)") }.count == 1, "\(dry)")
            let (gcStatus, gc) = try await KilnInvocation.run(["gc"], in: scratch.path)
            #expect(gcStatus == .exited(0) && gc.contains("removed: \(leftover)"), "\(gc)")
            #expect(!FileManager.default.fileExists(atPath: leftover))
            #expect(try connection.domains().isEmpty, "virsh list --all is not empty")
        }
    }
}
