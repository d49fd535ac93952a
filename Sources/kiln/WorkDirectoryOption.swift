import ArgumentParser
import Foundation

/// `--workdir DIR`: Kiln's work directory, laid out as coreos-assembler's: `builds/` (the build
/// store), `kiln.sqlite` (the results database), and the release metadata `kiln promote`
/// publishes (`streams/`, `updates/`, `prod/streams/`).
struct WorkDirectoryOption: ParsableArguments {
    @Option(name: .customLong("workdir"),
            help: "Kiln's work directory: builds/, the results database kiln.sqlite, published release metadata. Default: $KILN_WORKDIR, else .work.")
    var path: String?

    /// The directory in use.
    var resolved: String { path ?? ProcessInfo.processInfo.environment["KILN_WORKDIR"] ?? ".work" }
}
