import ArgumentParser
import Crypto
import Foundation
import KilnChecks
import KilnCore
import KilnHarness
import KilnResults

/// What `kiln gate` and `kiln promote` decide from: the build, the target stream, the tests
/// that exist, and the work directory's results database. The policy and the instant are
/// `kiln gate`'s to change (`GateWhatIf`); `kiln promote` always decides with the work
/// directory's policy, as of now, so that neither can be used to skip the gate.
struct GateInputs: ParsableArguments {
    @Option(help: "The candidate build's version (a build in the work directory's store).")
    var build: String

    @Option(name: .customLong("to"), help: "The stream the build would enter (testing, stable, ...).")
    var stream: String

    @Option(name: [.customShort("E"), .customLong("exttest")],
            help: "External test directories whose tests a required glob or tag may name, besides the built-in tests and the build's own ([NAME=]DIR). Repeatable.")
    var externalDirectories: [String] = []

    @OptionGroup var workdir: WorkdirOptions

    /// The work directory's policy, which `kiln promote` always uses.
    var workdirPolicyPath: String { "\(workdir.path)/gate-policy.yaml" }

    /// The decision as of `instant` under the policy at `policyPath` (default: the work
    /// directory's), with the database and the policy's digest (for recording it).
    /// - Throws: `ExitCode(2)` after saying what is wrong with the input.
    func decide(policyPath: String? = nil, at instant: Date) throws -> (decision: GateDecision, database: ResultsDatabase, policySHA256: String) {
        let policyPath = policyPath ?? workdirPolicyPath
        return try exitingOnError {
            guard let text = FileManager.default.contents(atPath: policyPath) else {
                throw GateInputError("\(policyPath): no gate policy there (fixtures/gate/policy.yaml is an example; --policy names another)")
            }
            let policy = try GatePolicy(parsing: String(decoding: text, as: UTF8.self), source: policyPath)
            let database: ResultsDatabase
            do {
                database = try ResultsDatabase(path: ResultsDatabase.path(workDirectory: workdir.path), createIfMissing: false)
            } catch ResultsDatabaseError.missing(let path) {
                throw GateInputError("\(path): no results database: no run was recorded in this work directory (--workdir chooses another)")
            }
            let evaluator = GateEvaluator(policy: policy, history: database, knownTests: try knownTests())
            let decision = try evaluator.evaluate(build: build, to: stream, at: instant)
            let digest = SHA256.hash(data: text).map { String(format: "%02x", $0) }.joined()
            return (decision, database, digest)
        }
    }

    /// The built-in tests, the external tests named with -E, and the build's own (its work
    /// directory's `src/config/tests/kola`, as kiln run finds them).
    private func knownTests() throws -> [GateTest] {
        var directories = externalDirectories
        let meta = "\(workdir.path)/builds/\(build)"
        if FileManager.default.fileExists(atPath: meta), let repository = LoadedBuild.configRepository(ofMeta: try LoadedBuild.locate(meta)) {
            directories.append("config=\(repository)")
        }
        let external = try ExternalTestDiscovery(all: directories).tests.map(\.testMetadata)
        return (try BuiltinTests.registry().metadata + external).map(GateTest.init)
    }
}

/// Gate input Kiln cannot use.
struct GateInputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
