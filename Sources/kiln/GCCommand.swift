import ArgumentParser
import Foundation
import KilnLibvirt

/// `kiln gc`: removes what libvirt runs left behind when their Kiln died (kill -9, a crash):
/// labelled domains and work directories of runs whose Kiln process is gone.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove the domains and work files of libvirt runs whose Kiln is gone.",
        discussion: "Exit status: 0 when nothing failed, 1 when something could not be removed, 2 when a connection failed.")

    @Option(help: "A libvirt connection URI to clean. Repeatable. Default: qemu:///system.")
    var connect: [String] = []

    @Flag(help: "Only list what would be removed.")
    var dryRun = false

    func run() async throws {
        let collector = LeftoverCollector()
        var findings: [LeftoverCollector.Finding] = []
        for uri in connect.isEmpty ? ["qemu:///system"] : connect {
            do {
                findings += try collector.collectDomains(on: try LibvirtConnection(uri: uri), dryRun: dryRun)
            } catch {
                FileHandle.standardError.write(Data("kiln: error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        findings += collector.collectWorkDirectories(dryRun: dryRun)
        for finding in findings { print(finding) }
        let removed = findings.filter { [.removed, .wouldRemove].contains($0.action) }.count
        print("kiln gc: \(removed) leftover(s) \(dryRun ? "found" : "removed"), \(findings.filter { $0.action == .kept }.count) kept")
        if findings.contains(where: { $0.action == .failed }) { throw ExitCode(1) }
    }
}
