import Foundation
import KilnCore
import KilnHarness
import KilnSSH
import Logging

/// What `kiln run` and `kiln run-upgrade` set up alike before their runner starts.
enum RunSession {
    /// Kiln's log to standard error, at `level`.
    static func bootstrapLogging(_ level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// `--parallel`: a positive number, or `auto` for `cpus`.
    static func parallelCount(_ text: String, cpus: Int) throws -> Int {
        if text == "auto" { return cpus }
        guard let n = Int(text), n >= 1 else { throw InputError("--parallel must be a positive number or auto, got '\(text)'") }
        return n
    }

    /// The run's ephemeral key, and its private half written (mode 0600) as
    /// `<output>/id_ed25519` for the `ssh-config` beside each machine; nil when it could not
    /// be written. The caller removes the file when the run ends.
    static func key(output: String) -> (key: SSHKeyPair, identityFile: String?) {
        let key = SSHKeyPair.generateEd25519(comment: "kiln-\(getpid())")
        let absoluteOutput = output.hasPrefix("/") ? output : "\(FileManager.default.currentDirectoryPath)/\(output)"
        let identity = "\(absoluteOutput)/id_ed25519"
        let written = FileManager.default.createFile(atPath: identity, contents: Data(key.openSSHPrivateKey.utf8),
                                                     attributes: [.posixPermissions: 0o600])
        return (key, written ? identity : nil)
    }

    /// A run repeated by `kiln rerun` or `kiln replay` must test the image the first one did.
    static func checkSameBuild(_ build: LoadedBuild, expected: String?) throws {
        guard let expected, build.imageSHA256 != expected else { return }
        throw InputError("\(build.metaPath): build \(build.metadata.buildID) has image sha256 \(build.imageSHA256), not \(expected) as the run being repeated had: it is not the same build")
    }
}
