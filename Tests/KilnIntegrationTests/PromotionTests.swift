import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnTesting
import Testing

extension IntegrationTests {
    /// The release flow on real runs: two builds imported into a work directory's store (the
    /// reference build, and a successor made from it with a new version and parent), `basic.*`
    /// run on both and recorded, the gate consulted, the first and then the second promoted into
    /// testing, the second blocked from stable until it has soaked there, then promoted with a
    /// rollout; the stream, release index and updates files match Fedora CoreOS's formats.
    @Suite struct Promotion {
        @Test(.timeLimit(.minutes(12)))
        func twoBuildsAreRecordedGatedAndPromotedFromTestingToStable() async throws {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let workdir = "\(scratch.path)/work"
            let (first, second) = try makeBuilds(in: scratch.path)
            for build in [first.directory, second.directory] {
                let (status, output) = try await KilnInvocation.run(["builds", "import", build, "--workdir", workdir], in: scratch.path)
                try #require(status == .exited(0), "\(output)")
            }
            try Self.policy.write(toFile: "\(workdir)/gate-policy.yaml", atomically: true, encoding: .utf8)

            // Not a result yet: the gate blocks and says what is missing.
            try FileManager.default.createDirectory(atPath: "\(scratch.path)/gate0", withIntermediateDirectories: true)
            let (emptyStatus, empty) = try await KilnInvocation.run(["gate", "--build", first.version, "--to", "testing", "--workdir", workdir], in: "\(scratch.path)/gate0")
            #expect(emptyStatus == .exited(2) && empty.contains("no results database"), "\(empty)")

            // Both builds' runs, at once (each boots one machine for the basic.* bucket).
            var runs: [KilnInvocation] = []
            for build in [first, second] {
                let directory = "\(scratch.path)/run-\(build.version)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                runs.append(try await KilnInvocation.start(
                    ["run", "--build", "\(workdir)/builds/\(build.version)", "--workdir", workdir, "--output-dir", "\(directory)/out",
                     "--stream", "testing", "basic.*"], in: directory))
            }
            for run in runs {
                let status = await run.process.waitForExit()
                try #require(status == .exited(0), "kiln run said:\n\(run.output)")
            }
            let (resultsStatus, results) = try await kiln(["results", "--build", second.version, "--workdir", workdir], scratch)
            #expect(resultsStatus == .exited(0) && results.contains("basic.ssh"), "\(results)")

            // Into testing: the first, then the second.
            for build in [first, second] {
                let (status, output) = try await kiln(["promote", "--build", build.version, "--to", "testing", "--workdir", workdir], scratch)
                #expect(status == .exited(0), "\(output)")
                #expect(output.contains("kiln promote: \(build.version) entered testing"), "\(output)")
            }
            // Into stable: too young now (an hour's soak), promotable two hours later.
            let (youngStatus, young) = try await kiln(["gate", "--build", second.version, "--to", "stable", "--workdir", workdir], scratch)
            #expect(youngStatus == .exited(1), "\(young)")
            #expect(young.contains("too-young"), "\(young)")
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
            let (dryStatus, dry) = try await kiln(["gate", "--build", second.version, "--to", "stable", "--at", later, "--json",
                                                   "--dry-run", "--workdir", workdir], scratch)
            #expect(dryStatus == .exited(0), "\(dry)")
            let decision = try JSONDocument(parsing: dry)
            #expect(decision.value["promotable"] == JSONValue.bool(true), "\(dry)")
            let (promoteStatus, promoted) = try await kiln(["promote", "--build", second.version, "--to", "stable", "--at", later,
                                                            "--rollout-hours", "48", "--workdir", workdir], scratch)
            #expect(promoteStatus == .exited(0), "\(promoted)")

            // The published files, in Fedora CoreOS's formats (volatile values normalized).
            let image = try LoadedBuild.load(from: "\(workdir)/builds/\(second.version)")
            let normalize = { (text: String) in
                Self.normalized(text, replacing: [(second.version, "V2"), (first.version, "V1"), (image.imageSHA256, "SHA256"),
                                                  ("file://\(workdir)", "file://WORKDIR")])
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
                required:
                  - tests: "basic.*"
              stable:
                from: [testing]
                soak: 1h
                required:
                  - tests: "basic.*"

            """

        /// The reference build, and a successor: the same image under a new version whose parent
        /// is the first.
        func makeBuilds(in directory: String) throws -> (first: (version: String, directory: String), second: (version: String, directory: String)) {
            let reference = try LoadedBuild.load(from: ReferenceBuild.path)
            let sourceArch = (reference.metaPath as NSString).deletingLastPathComponent
            let firstVersion = reference.metadata.buildID
            let secondVersion = firstVersion + "1"
            let copy = "\(directory)/src/\(secondVersion)/x86_64"
            try FileManager.default.createDirectory(atPath: (copy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: sourceArch, toPath: copy)
            var meta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(copy)/meta.json"))) as? [String: Any])
            meta["buildid"] = secondVersion
            meta["fedora-coreos.parent-version"] = firstVersion
            try JSONSerialization.data(withJSONObject: meta, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: "\(copy)/meta.json"))
            return ((firstVersion, (sourceArch as NSString).deletingLastPathComponent), (secondVersion, (copy as NSString).deletingLastPathComponent))
        }

        private func kiln(_ arguments: [String], _ scratch: ScratchDirectory) async throws -> (status: ProcessExitStatus, output: String) {
            let directory = "\(scratch.path)/cli-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try await KilnInvocation.run(arguments, in: directory)
        }

        /// `text` with each pair's first string replaced by its second, and instants (ISO 8601
        /// and Unix epochs) by TIME and EPOCH.
        static func normalized(_ text: String, replacing pairs: [(String, String)]) -> String {
            var result = text
            for (from, to) in pairs { result = result.replacingOccurrences(of: from, with: to) }
            result = result.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
            return result.replacingOccurrences(of: #""start_epoch": \d+"#, with: #""start_epoch": EPOCH"#, options: .regularExpression)
        }
    }
}
