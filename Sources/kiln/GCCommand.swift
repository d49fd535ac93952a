import ArgumentParser
import Foundation
import KilnLibvirt
import Logging

/// `kiln gc`: removes what libvirt runs left behind when their Kiln died (kill -9, a crash):
/// labelled domains and work directories of runs whose Kiln process is gone, on this machine
/// and on the remote hosts named with `--connect`.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove the domains and work files of libvirt runs whose Kiln is gone.",
        discussion: "Exit status: 0 when nothing failed, 1 when something could not be removed, 2 when a connection failed.")

    @Option(help: "A libvirt host to clean, as for kiln run: URI[,ssh=[USER@]HOST[:PORT]]. Repeatable. Default: qemu:///system.")
    var connect: [String] = []

    @Flag(help: "Only list what would be removed.")
    var dryRun = false

    func run() async throws {
        let collector = LeftoverCollector()
        var findings: [LeftoverCollector.Finding] = []
        for text in connect.isEmpty ? ["qemu:///system"] : connect {
            do {
                let host = try LibvirtHostArgument(parsing: text)
                findings += try collector.collectDomains(on: try LibvirtConnection(uri: host.uri), dryRun: dryRun)
                if let ssh = host.ssh {
                    let access = try await SSHHostAccess(destination: ssh.destination, port: ssh.port, logger: Logger(label: "kiln"))
                    findings += await collector.collectWorkDirectories(on: access, dryRun: dryRun)
                    await access.close()
                }
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
