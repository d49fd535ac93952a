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
            func start(_ name: String, _ command: String, _ arguments: [String]) async throws -> (invocation: KilnInvocation, output: String) {
                let directory = "\(scratch.path)/\(name)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                return (try await KilnInvocation.start([command] + arguments + ["--workdir", workdir, "--output-dir", "\(directory)/out"],
                                                       in: directory), "\(directory)/out")
            }
            let rollbackRun = try await start("rollback", "run-upgrade", ["--build", v3, "--from", v1])
            // The suite on each build (the basic checks: one shared machine), recorded for the gate.
            func suite(_ version: String) async throws {
                let run = try await start("suite-\(version)", "run", ["--build", "\(workdir)/builds/\(version)", "--stream", "testing",
                                                                    "--parallel", "1", "basic.*"])
                let status = await run.invocation.process.waitForExit()
                try #require(status == .exited(0), "kiln run on \(version) said:\n\(run.invocation.output)")
                #expect(try Self.report(run.output).tests.filter { $0.name.hasPrefix("basic.") }.count == 12)
            }
            try await suite(v1)
            // V1 enters testing (its first stream) once its basic checks passed.
            try Self.policy.write(toFile: "\(workdir)/gate-policy.yaml", atomically: true, encoding: .utf8)
            let (released, releasedOutput) = try await kiln(["promote", "--build", v1, "--to", "testing", "--workdir", workdir], scratch)
            try #require(released == .exited(0), "\(releasedOutput)")
            #expect(releasedOutput.range(of: #"ok +passed +test-result basic\.ssh on x86_64/qemu: PASS in run \d"#,
                                         options: .regularExpression) != nil, "\(releasedOutput)")
            // V2 passes the same checks, yet the gate wants its upgrade from testing's release, V1.
            try await suite(v2)
            let (blockedStatus, blocked) = try await kiln(["gate", "--build", v2, "--to", "testing", "--workdir", workdir], scratch)
            #expect(blockedStatus == .exited(1) && blocked.contains("upgrade-from-current \(v1)")
                    && blocked.contains("BLOCKED, 1 of 14 requirements unsatisfied"), "\(blocked)")

            // The matrix, from the testing stream's release index: V1 is N-1 and the oldest.
            let matrixRun = try await start("matrix", "run-upgrade", ["--build", v2, "--matrix", "--stream", "testing"])
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

            // Recorded with the build the machine came from; the rollback says nothing for V3.
            let (resultsStatus, results) = try await kiln(["results", "--build", v2, "--json", "--workdir", workdir], scratch)
            #expect(resultsStatus == .exited(0) && results.contains("\"upgradeFrom\": \"\(v1)\""), "\(results)")
            let (brokenStatus, broken) = try await kiln(["gate", "--build", v3, "--to", "testing", "--dry-run", "--workdir", workdir], scratch)
            #expect(brokenStatus == .exited(1) && broken.range(of: #"BLOCKED +missing +upgrade-from-current \#(v1) "#,
                                                                options: .regularExpression) != nil, "\(broken)")
            // The gate now lets V2 into testing.
            let (promoted, promotedOutput) = try await kiln(["promote", "--build", v2, "--to", "testing", "--workdir", workdir], scratch)
            #expect(promoted == .exited(0) && promotedOutput.contains("kiln promote: \(v2) entered testing"), "\(promotedOutput)")
            let enteredTesting = Date()
            // Into stable: too young now (a 30-second soak); gate --at sees it promotable later, and
            // promote (which always decides as of now, and has no --at) waits for the soak.
            let (youngStatus, young) = try await kiln(["gate", "--build", v2, "--to", "stable", "--workdir", workdir], scratch)
            #expect(youngStatus == .exited(1) && young.contains("too-young"), "\(young)")
            let (earlyStatus, early) = try await kiln(["promote", "--build", v2, "--to", "stable", "--workdir", workdir], scratch)
            #expect(earlyStatus == .exited(1) && early.contains("nothing was written"), "\(early)")
            #expect(!FileManager.default.fileExists(atPath: "\(workdir)/streams/stable.json"))
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
            let (dryStatus, dry) = try await kiln(["gate", "--build", v2, "--to", "stable", "--at", later, "--json",
                                                   "--dry-run", "--workdir", workdir], scratch)
            #expect(dryStatus == .exited(0), "\(dry)")
            let decision = try JSONDocument(parsing: dry)
            #expect(decision.value["promotable"] == JSONValue.bool(true), "\(dry)")
            let soaked = enteredTesting.addingTimeInterval(32).timeIntervalSinceNow
            if soaked > 0 { try await Task.sleep(for: .seconds(soaked)) }
            let (stableStatus, stable) = try await kiln(["promote", "--build", v2, "--to", "stable", "--rollout-hours", "48",
                                                         "--workdir", workdir], scratch)
            #expect(stableStatus == .exited(0) && stable.contains("kiln promote: \(v2) entered stable from testing"), "\(stable)")

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
                  - tests: "basic.*"
              stable:
                from: [testing]
                soak: 30s
                required:
                  - tests: "basic.*"
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
