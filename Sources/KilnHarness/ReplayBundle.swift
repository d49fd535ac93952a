import Foundation
public import KilnCore
import KilnPlatform

/// A failed test's `replay.tar`, beside its `test.log`: `replay.json` (``ReplayManifest``),
/// each machine's rendered config, QEMU command line (or domain XML), console and journal, the
/// configs the run appended, and for an external test its project's files, so that
/// `kiln replay` can run the same test on a machine that has the same build.
public enum ReplayBundle {
    public static let fileName = "replay.tar"
    public static let manifestName = "replay.json"
    /// The files of a machine directory a bundle takes, where the run has them.
    static let machineFiles = ["config.ign", "qemu-argv.txt", "domain.xml", "console.txt", "journal.txt"]

    /// What a run knows of a test that a bundle records, beyond its report.
    public struct Source: Sendable {
        public var test: RegisteredTest
        /// The external test, for one found with `-E` or in a config repository.
        public var external: ExternalTest?
        public init(test: RegisteredTest, external: ExternalTest?) {
            self.test = test
            self.external = external
        }
    }

    /// Writes `<runDirectory>/<test>/replay.tar` for `report`'s test (atomically: a
    /// half-written bundle never has the final name) and returns its path.
    /// - Parameter manifest: the manifest without its machines, which are filled in here.
    public static func write(manifest: ReplayManifest, report: TestReport, source: Source, appended: [IgnitionConfig],
                             runDirectory: String) async throws -> String {
        let testDirectory = "\(runDirectory)/\(report.name)"
        let staging = "\(testDirectory)/.replay-\(getpid())"
        try? FileManager.default.removeItem(atPath: staging)
        try ArtifactDirectory.create(staging)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var manifest = manifest
        manifest.machines = []
        for (index, machine) in report.machines.enumerated() {
            let directory = "machines/m\(index)"
            try ArtifactDirectory.create("\(staging)/\(directory)")
            var files: [String] = []
            for file in machineFiles where FileManager.default.fileExists(atPath: "\(runDirectory)/\(machine.directory)/\(file)") {
                try FileManager.default.copyItem(atPath: "\(runDirectory)/\(machine.directory)/\(file)", toPath: "\(staging)/\(directory)/\(file)")
                files.append(file)
            }
            manifest.machines.append(.init(id: machine.id, directory: directory, files: files, host: machine.host))
        }
        if FileManager.default.fileExists(atPath: "\(testDirectory)/test.log") {
            try FileManager.default.copyItem(atPath: "\(testDirectory)/test.log", toPath: "\(staging)/test.log")
        }
        if !appended.isEmpty { try ArtifactDirectory.create("\(staging)/appended") }
        for (index, config) in appended.enumerated() {
            try Data(config.rendered.utf8).write(to: URL(fileURLWithPath: "\(staging)/\(manifest.appendedConfigs[index].file)"))
        }
        if let external = source.external {
            try ArtifactDirectory.create("\(staging)/external")
            try FileManager.default.copyItem(atPath: external.projectDirectory, toPath: "\(staging)/external/\(external.project)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: "\(staging)/\(manifestName)"))
        let final = "\(testDirectory)/\(fileName)"
        let partial = "\(final).partial"
        let tar = try await runHostCommand("tar", ["-cf", partial, "--owner=0", "--group=0", "-C", staging, "."])
        guard tar.status == .exited(0) else {
            try? FileManager.default.removeItem(atPath: partial)
            throw ReplayError("tar could not write \(partial): \(tar.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard rename(partial, final) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: partial)
            throw SystemError("rename \(partial) to \(final)", errno: code)
        }
        return final
    }

    /// The manifest's fields for an external test: the script's digest and the commit of its
    /// git repository, when it is in one.
    public static func scriptIdentity(of external: ExternalTest) async -> (sha256: String?, revision: String?) {
        let digest = try? FileDigest.sha256(ofFile: external.script)
        let directory = (external.script as NSString).deletingLastPathComponent
        let git = try? await runHostCommand("git", ["-C", directory, "rev-parse", "HEAD"])
        let revision = git?.status == .exited(0) ? git?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        return (digest, revision)
    }

    /// Tests whose time in the run overlapped `report`'s.
    public static func ranBeside(_ report: TestReport, in tests: [TestReport]) -> [String] {
        guard let mine = report.timeline else { return [] }
        return tests.filter { other in
            guard other.name != report.name, let theirs = other.timeline else { return false }
            return theirs.startedAt < mine.endedAt && mine.startedAt < theirs.endedAt
        }.map(\.name)
    }
}

/// A replay bundle that cannot be written, read or used.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
