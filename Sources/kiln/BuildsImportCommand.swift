import ArgumentParser
import Foundation
import KilnHarness

/// `kiln builds import DIR`: copies a build into the store, checked first.
struct BuildsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy a build into the work directory's builds/, after checking its images against its meta.json.",
        discussion: """
            DIR holds meta.json (builds/<version>/<arch>) or <arch>/meta.json (builds/<version>). \
            The images meta.json lists are checked (size, sha256) before anything is copied; the build \
            appears in builds/<version>/<arch>/ complete or not at all, then in builds.json, newest first. \
            Importing a build the store holds identical does nothing; one that differs is refused. \
            Exit status: 0 when imported or already present, 2 on an error (nothing is written).
            """)

    @Argument(help: "The build directory.")
    var directory: String

    @OptionGroup var workdir: WorkdirOptions

    func run() async throws {
        let store = BuildStore(workdir: workdir.path)
        let result = try exitingOnError { try store.importBuild(from: directory) }
        if !result.added.isEmpty {
            print("imported \(result.version) (\(result.added.joined(separator: ", "))) into \(store.buildsDirectory)")
        }
        if !result.unchanged.isEmpty {
            print("\(result.version) (\(result.unchanged.joined(separator: ", "))) is already in \(store.buildsDirectory), identical")
        }
    }
}
