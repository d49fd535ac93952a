import Foundation
import KilnPlatform
import Testing

@testable import KilnSSH

/// The run's key in the forms libssh2 and OpenSSH's client read.
struct SSHKeyPairTests {
    /// `ssh-keygen -y` reads the OpenSSH form back to the same public key, so `ssh -F ssh-config`
    /// can use it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")))
    func openSSHFormIsReadByOpenSSH() async throws {
        let key = SSHKeyPair.generateEd25519(comment: "kiln-test")
        let path = NSTemporaryDirectory() + "kiln-key-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(key.openSSHPrivateKey.utf8),
                                               attributes: [.posixPermissions: 0o600]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await runHostCommand("ssh-keygen", ["-y", "-f", path])
        #expect(result.status.succeeded, "\(result.stderr)")
        let expected = key.publicKeyLine.split(separator: " ").prefix(2).joined(separator: " ")
        #expect(result.stdout.hasPrefix(expected), "\(result.stdout)")
        #expect(key.openSSHPrivateKey.hasPrefix("-----BEGIN OPENSSH PRIVATE KEY-----\n"))
    }
}
