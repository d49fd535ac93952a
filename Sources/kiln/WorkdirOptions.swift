import ArgumentParser
import Foundation
import KilnHarness

/// `--workdir DIR`: Kiln's work directory (builds, results, published release metadata).
struct WorkdirOptions: ParsableArguments {
    @Option(help: "Kiln's work directory: builds/, the results database and the published release metadata. Default: $KILN_WORKDIR, else .work.")
    var workdir: String?

    /// The work directory to use.
    var path: String { workdir ?? BuildStore.defaultWorkdir() }
}

/// Runs `body`; an error is printed as `kiln: error: <what>` and ends Kiln with exit status 2.
func exitingOnError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw inputFailure(error)
    }
}

/// `exitingOnError` for async work.
func exitingOnError<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw inputFailure(error)
    }
}

/// An `ExitCode` as it is; any other error printed as `kiln: error: <what>`, as exit status 2.
private func inputFailure(_ error: any Error) -> ExitCode {
    if let exit = error as? ExitCode { return exit }
    FileHandle.standardError.write(Data("kiln: error: \(error)\n".utf8))
    return ExitCode(2)
}
