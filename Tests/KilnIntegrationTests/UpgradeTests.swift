import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// Upgrade tests and the release flow on real builds. V1 is the reference build, V2 a
    /// successor built from its cached root file system (a new version and parent), V3 a
    /// deliberately broken successor (its kernel panics). V1 is released into testing; the gate
    /// blocks V2 until an upgrade from testing's current release passed; `kiln run-upgrade
    /// --build V2 --matrix` (from the stream's release index) passes V1→V2 while, at the same
    /// time, V1→V3 rolls back by itself; the results are recorded with the build each machine
    /// updated from; V2 is promoted into testing, blocked from stable until it has soaked, then
    /// promoted with a rollout. The published stream, release index and updates files match
    /// Fedora CoreOS's formats (golden files).
    @Suite struct Upgrades {
        @Test(.timeLimit(.minutes(25)))
        func anUpdatePassesABrokenOneRollsBackAndTheGateRequiresTheUpgrade() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let workdir = "\(scratch.path)/work"
            let reference = try LoadedBuild.load(from: ReferenceBuild.path)
            let v1 = reference.metadata.buildID
            let (v2, v3) = ("\(v1).1", "\(v1).2")
            let (imported, importOutput) = try await kiln(["builds", "import", (reference.metaPath as NSString).deletingLastPathComponent,
                                                           "--workdir", workdir], scratch)
            try #require(imported == .exited(0), "\(importOutput)")
            for (version, extra) in [(v2, [String]()), (v3, ["--broken", "kernel-panic"])] {
                try await Self.buildImage(["--workdir", workdir, "--version", version, "--parent", v1] + extra)
            }
            try "streams:\n  testing:\n    from: [none]\n".write(toFile: "\(workdir)/gate-policy.yaml", atomically: true, encoding: .utf8)
            // No result yet: the gate cannot decide and says why.
            let (emptyStatus, empty) = try await kiln(["gate", "--build", v1, "--to", "testing", "--workdir", workdir], scratch)
            #expect(emptyStatus == .exited(2) && empty.contains("no results database"), "\(empty)")

            // The rollback first (V1 updated to the broken V3): it runs beside everything below.
            func start(_ name: String, _ arguments: [String]) async throws -> (invocation: KilnInvocation, output: String) {
                let directory = "\(scratch.path)/\(name)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                return (try await KilnInvocation.start(["run-upgrade"] + arguments + ["--workdir", workdir, "--output-dir", "\(directory)/out"],
                                                       in: directory), "\(directory)/out")
            }
            let rollbackRun = try await start("rollback", ["--build", v3, "--from", v1])
            // Its run is in the results database once it started.
            let database = ContinuousClock.now + .seconds(60)
            while !FileManager.default.fileExists(atPath: "\(workdir)/kiln.sqlite"), ContinuousClock.now < database {
                try await Task.sleep(for: .milliseconds(200))
            }
            // V1 released under a policy that asked for nothing; then the policy asks for upgrades.
            let (released, releasedOutput) = try await kiln(["promote", "--build", v1, "--to", "testing", "--workdir", workdir], scratch)
            try #require(released == .exited(0), "\(releasedOutput)")
            try Self.policy.write(toFile: "\(workdir)/gate-policy.yaml", atomically: true, encoding: .utf8)
            let (blockedStatus, blocked) = try await kiln(["gate", "--build", v2, "--to", "testing", "--workdir", workdir], scratch)
            #expect(blockedStatus == .exited(1) && blocked.contains("upgrade-from-current \(v1)"), "\(blocked)")

            // The matrix, from the testing stream's release index: V1 is N-1 and the oldest.
            let matrixRun = try await start("matrix", ["--build", v2, "--matrix", "--stream", "testing"])
            for (name, run) in [("matrix", matrixRun), ("rollback", rollbackRun)] {
                let status = await run.invocation.process.waitForExit()
                #expect(status == .exited(0), "kiln run-upgrade (\(name)) said:\n\(run.invocation.output)")
            }
            #expect(matrixRun.invocation.output.contains("updating from \(v1) (n-1, oldest)"), "\(matrixRun.invocation.output)")
            let updated = try #require(try Self.report(matrixRun.output).tests.first)
            #expect(updated.name == "upgrade.from-\(v1)" && updated.result == .pass, "\(updated.name): \(updated.error ?? "")")
            let log = try String(contentsOfFile: "\(matrixRun.output)/\(updated.name)/test.log", encoding: .utf8)
            #expect(log.contains("after: IMAGE_VERSION=\(v2)") && log.contains("subtest upgrade.ignition: after: PASS")
                    && log.contains("subtest upgrade.state: after: PASS"), "\(log)")
            let rolledBack = try #require(try Self.report(rollbackRun.output).tests.first)
            #expect(rolledBack.name == "upgrade.rollback.from-\(v1)" && rolledBack.result == .pass, "\(rolledBack.error ?? "")")
            let rollbackLog = try String(contentsOfFile: "\(rollbackRun.output)/\(rolledBack.name)/test.log", encoding: .utf8)
            #expect(rollbackLog.contains("after: IMAGE_VERSION=\(v1)"), "\(rollbackLog)")
            #expect(rollbackLog.range(of: #"the broken \S+ failed to boot [1-9]\d* time\(s\)"#, options: .regularExpression) != nil
                    && rollbackLog.contains("tries used, 0 left"), "\(rollbackLog)")
            for run in [matrixRun, rollbackRun] {
                #expect(!FileManager.default.fileExists(atPath: "\(run.output)/id_ed25519"), "the run's private key outlived the run")
            }
            #expect(HostProcesses.qemu(scratch.path).isEmpty, "QEMU left running")

            // Recorded with the build the machine came from; the gate now lets V2 into testing.
            let (resultsStatus, results) = try await kiln(["results", "--build", v2, "--json", "--workdir", workdir], scratch)
            #expect(resultsStatus == .exited(0) && results.contains("\"upgradeFrom\": \"\(v1)\""), "\(results)")
            let (promoted, promotedOutput) = try await kiln(["promote", "--build", v2, "--to", "testing", "--workdir", workdir], scratch)
            #expect(promoted == .exited(0) && promotedOutput.contains("kiln promote: \(v2) entered testing"), "\(promotedOutput)")
            // Into stable: too young now (an hour's soak), promotable two hours later.
            let (youngStatus, young) = try await kiln(["gate", "--build", v2, "--to", "stable", "--workdir", workdir], scratch)
            #expect(youngStatus == .exited(1) && young.contains("too-young"), "\(young)")
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
            let (dryStatus, dry) = try await kiln(["gate", "--build", v2, "--to", "stable", "--at", later, "--json",
                                                   "--dry-run", "--workdir", workdir], scratch)
            #expect(dryStatus == .exited(0), "\(dry)")
            let decision = try JSONDocument(parsing: dry)
            #expect(decision.value["promotable"] == JSONValue.bool(true), "\(dry)")
            let (stableStatus, stable) = try await kiln(["promote", "--build", v2, "--to", "stable", "--at", later,
                                                         "--rollout-hours", "48", "--workdir", workdir], scratch)
            #expect(stableStatus == .exited(0), "\(stable)")

            // The published files, in Fedora CoreOS's formats (volatile values normalized).
            let image = try LoadedBuild.load(from: "\(workdir)/builds/\(v2)")
            let normalize = { (text: String) in
                Self.normalized(text, replacing: [(v2, "V2"), (v1, "V1"), (image.imageSHA256, "SHA256"), ("file://\(workdir)", "file://WORKDIR")])
            }
            for (file, golden) in [("streams/stable.json", "stable-stream.json"), ("updates/stable.json", "stable-updates.json"),
                                   ("prod/streams/stable/releases.json", "stable-releases.json"),
                                   ("updates/testing.json", "testing-updates.json")] {
                let text = try String(contentsOfFile: "\(workdir)/\(file)", encoding: .utf8)
                #expect(Fixtures.compareGolden(normalize(text), "streams/e2e/\(golden)") == nil, "\(file):\n\(text)")
            }
        }

        static let policy = """
            streams:
              testing:
                from: [none]
                upgrade-from-current: true
                required:
                  - tag: upgrade
              stable:
                from: [testing]
                soak: 1h
                required:
                  - tag: upgrade

            """

        static func report(_ directory: String) throws -> RunReport {
            try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(directory)/report.json")))
        }

        /// `harness/build-image ARGS`, sharing the reference build's root file system cache.
        static func buildImage(_ arguments: [String]) async throws {
            var cache: [String] = []
            let builds = URL(fileURLWithPath: ReferenceBuild.path).standardizedFileURL
            if builds.lastPathComponent == "builds" {
                cache = ["--cache", builds.deletingLastPathComponent().appendingPathComponent("cache").path]
            }
            let result = try await runHostCommand("\(Fixtures.repositoryRoot)/harness/build-image", arguments + cache)
            try #require(result.status.succeeded, "harness/build-image \(arguments.joined(separator: " ")):\n\(result.stderr)")
        }

        /// `text` with each pair's first string replaced by its second, and instants (ISO 8601
        /// and Unix epochs) by TIME and EPOCH.
        static func normalized(_ text: String, replacing pairs: [(String, String)]) -> String {
            var result = text
            for (from, to) in pairs { result = result.replacingOccurrences(of: from, with: to) }
            result = result.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
            return result.replacingOccurrences(of: #""start_epoch": \d+"#, with: #""start_epoch": EPOCH"#, options: .regularExpression)
        }

        private func kiln(_ arguments: [String], _ scratch: ScratchDirectory) async throws -> (status: ProcessExitStatus, output: String) {
            let directory = "\(scratch.path)/cli-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try await KilnInvocation.run(arguments, in: directory)
        }
    }
}
