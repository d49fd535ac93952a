import ArgumentParser
import Foundation
import KilnCore
import KilnHarness

/// `kiln builds show VERSION`: one build's `meta.json`, and whether its image is intact.
struct BuildsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a build: its meta.json summary and whether its disk image is present and matches.",
        discussion: "Exit status: 0 when every image is present and matches its meta.json (or --no-verify), 1 when one does not, 2 when there is no such build.")

    @Argument(help: "The build's version, as kiln builds list shows it.")
    var version: String

    @Flag(help: "Do not read the image to check its sha256.")
    var noVerify = false

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        let store = BuildStore(workdir: workdir.path)
        let builds = try exitingOnError { try store.show(version: version, verify: !noVerify) }
        var intact = true
        for (index, build) in builds.enumerated() {
            if index > 0 { print() }
            let metadata = build.metadata
            var rows = [["build", metadata.buildID], ["name", metadata.name], ["arch", metadata.architecture],
                        ["parent", metadata.parentVersion ?? "-"], ["stream", metadata.stream ?? "-"], ["meta.json", build.metaPath]]
            if let image = build.image, let path = build.imagePath {
                rows += [["image", path], ["size", image.size.map(Self.size) ?? "-"], ["sha256", image.sha256]]
                let (ok, verdict) = Self.verdict(build.imageCheck, image: image)
                intact = intact && ok
                rows.append(["check", verdict])
            } else {
                rows.append(["image", "- (meta.json has no images.qemu)"])
                intact = false
            }
            print(Table(rows: rows).rendered, terminator: "")
        }
        if !intact { throw ExitCode(1) }
    }

    /// `215744512 bytes (205.7 MiB)`.
    static func size(_ bytes: Int) -> String {
        "\(bytes) bytes (\(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB)"
    }

    static func verdict(_ check: BuildArtifactCheck?, image: BuildArtifact) -> (Bool, String) {
        switch check {
        case nil: (true, "not checked (--no-verify)")
        case .verified: (true, "ok: present, size and sha256 match meta.json")
        case .unreadable(let reason)?: (false, "FAILED: the image \(reason)")
        case .wrongSize(let actual)?: (false, "FAILED: the image is \(actual) bytes, meta.json says \(image.size ?? 0)")
        case .wrongSHA256(let actual)?: (false, "FAILED: the image has sha256 \(actual)")
        }
    }
}
