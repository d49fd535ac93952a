import Foundation
import KilnCore
import KilnHarness
import KilnPlatform
import KilnQEMU
import KilnSSH
import Logging
import KilnTesting
import Testing

/// Tests that boot the real reference guest under QEMU. They run one after another (boots are
/// the expensive resource) and are skipped, with the reason printed, when no build exists.
@Suite(.serialized, .enabled(if: ReferenceBuild.unavailableReason == nil,
                             Comment(rawValue: ReferenceBuild.unavailableReason ?? "")))
enum IntegrationTests {}

/// One `kiln` process started by a test.
struct KilnInvocation {
    let process: ChildProcess
    let outputFile: String

    /// Starts `kiln arguments...` with its output going to a file in `directory`.
    static func start(_ arguments: [String], in directory: String) async throws -> KilnInvocation {
        let outputFile = "\(directory)/kiln-output.txt"
        let out = open(outputFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            close(out)
            close(devNull)
        }
        let process = try await ProcessSpawner.shared.spawn(
            executable: ReferenceBuild.kilnExecutable, arguments: arguments, descriptors: [devNull, out, out])
        return KilnInvocation(process: process, outputFile: outputFile)
    }

    /// Runs `kiln arguments...` to its end.
    static func run(_ arguments: [String], in directory: String) async throws -> (status: ProcessExitStatus, output: String) {
        let invocation = try await start(arguments, in: directory)
        let status = await invocation.process.waitForExit()
        return (status, invocation.output)
    }

    var output: String { (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "" }

    /// Waits until the output contains `text` (or the process ends, or `timeout` passes) and
    /// returns the output.
    func waitForOutput(containing text: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && process.exitStatus == nil && !output.contains(text) {
            try await Task.sleep(for: .milliseconds(250))
        }
        return output
    }
}

/// A fresh directory under /tmp, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/kiln-it-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed") }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Files below the directory whose names contain `fragment`.
    func files(containing fragment: String) -> [String] {
        let all = FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []
        return all.filter { ($0 as NSString).lastPathComponent.contains(fragment) }
    }
}

/// The reference build, a run key and a QEMU platform, for tests that use Kiln as a library.
struct IntegrationEnvironment {
    let build: LoadedBuild
    let key: SSHKeyPair
    let platform: QEMUPlatform
    let renderer: MachineConfigRenderer

    init() throws {
        build = try LoadedBuild.load(from: ReferenceBuild.path)
        key = SSHKeyPair.generateEd25519(comment: "kiln-it")
        platform = try QEMUPlatform(image: build.image, accelerator: HostProbe.virtualization().choose(.auto).accelerator,
                                    sshKey: key, logger: Logger(label: "it"))
        renderer = MachineConfigRenderer(image: build.image, sshPublicKey: key.publicKeyLine)
    }

    /// A runner on this host's real budget.
    func runner(outputDirectory: String, options: RunOptions = RunOptions(parallel: 2)) -> TestRunner {
        TestRunner(platform: platform, renderer: renderer, outputDirectory: outputDirectory, options: options,
                   budget: ResourceBudget(totalMemoryMiB: HostResources.availableMemoryMiB(), totalCPUs: HostResources.cpus()),
                   logger: Logger(label: "it"), observer: nil)
    }
}
