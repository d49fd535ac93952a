import ArgumentParser
import Foundation
import KilnCore
import KilnHarness

/// `kiln builds list`: the builds of `builds.json`, newest first.
struct BuildsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the builds, newest first, with their name, parent and disk image.")

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        let store = BuildStore(workdir: workdir.path)
        let builds = try exitingOnError { try store.list() }
        guard !builds.isEmpty else {
            print("no builds in \(store.buildsDirectory) (make one with harness/build-image, or kiln builds import DIR)")
            return
        }
        var rows = [["VERSION", "ARCHES", "NAME", "PARENT", "IMAGE"]]
        for build in builds {
            let details = build.arches.first.flatMap { try? store.details(version: build.id, architecture: $0, verify: false) }
            let image = details?.image.map { image in
                let present = details?.imagePath.map { FileManager.default.fileExists(atPath: $0) } ?? false
                return "\((image.path as NSString).lastPathComponent)\(present ? "" : " (missing)")"
            }
            rows.append([build.id, build.arches.joined(separator: ","), details?.metadata.name ?? "(no meta.json)",
                         details?.metadata.parentVersion ?? "-", image ?? "-"])
        }
        print(Table(rows: rows).rendered, terminator: "")
    }
}
