import Crypto
import Foundation

/// An ed25519 key pair made for one run. Kiln keeps it in memory; only `kiln run` writes the
/// OpenSSH form into the run's directory (mode 0600) for `ssh-config`, and removes it at the end.
///
/// ed25519 and not RSA: Debian 12's libssh2 1.10 signs RSA only with SHA-1 (`ssh-rsa`), which
/// OpenSSH ≥ 8.8 refuses.
public struct SSHKeyPair: Sendable {
    /// PKCS#8 PEM, the form libssh2 reads from memory.
    public let privateKeyPEM: String
    /// One `authorized_keys` line: `ssh-ed25519 <base64> <comment>`.
    public let publicKeyLine: String
    /// The same private key in OpenSSH's own format (`-----BEGIN OPENSSH PRIVATE KEY-----`),
    /// which the `ssh` client reads (OpenSSH 9.2 cannot read PKCS#8 ed25519 keys): for the
    /// `ssh-config` a human uses to reach a running machine.
    public let openSSHPrivateKey: String

    /// Makes a new key pair. `comment` ends the public key line (e.g. `kiln-run-1234`).
    public static func generateEd25519(comment: String) -> SSHKeyPair {
        let key = Curve25519.Signing.PrivateKey()
        return SSHKeyPair(seed: Array(key.rawRepresentation), publicKey: Array(key.publicKey.rawRepresentation),
                          comment: comment)
    }

    init(seed: [UInt8], publicKey: [UInt8], comment: String) {
        // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410): a fixed DER prefix, then the 32-byte seed.
        let der: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
                            0x04, 0x22, 0x04, 0x20] + seed
        privateKeyPEM = "-----BEGIN PRIVATE KEY-----\n\(Data(der).base64EncodedString())\n-----END PRIVATE KEY-----\n"
        // The SSH wire form: string "ssh-ed25519", string key.
        let wire = Self.sshString(Array("ssh-ed25519".utf8)) + Self.sshString(publicKey)
        publicKeyLine = "ssh-ed25519 \(Data(wire).base64EncodedString()) \(comment)"
        openSSHPrivateKey = Self.openSSHFormat(seed: seed, publicKey: publicKey, wire: wire, comment: comment)
    }

    /// PROTOCOL.key of OpenSSH: an unencrypted `openssh-key-v1` container with one key.
    private static func openSSHFormat(seed: [UInt8], publicKey: [UInt8], wire: [UInt8], comment: String) -> String {
        let check = UInt32.random(in: .min ... .max)
        let checkBytes = [UInt8(check >> 24), UInt8(check >> 16 & 0xff), UInt8(check >> 8 & 0xff), UInt8(check & 0xff)]
        var secret = checkBytes + checkBytes + sshString(Array("ssh-ed25519".utf8)) + sshString(publicKey)
            + sshString(seed + publicKey) + sshString(Array(comment.utf8))
        var pad: UInt8 = 1
        while secret.count % 8 != 0 {
            secret.append(pad)
            pad += 1
        }
        let blob = Array("openssh-key-v1".utf8) + [0] + sshString(Array("none".utf8)) + sshString(Array("none".utf8))
            + sshString([]) + [0, 0, 0, 1] + sshString(wire) + sshString(secret)
        let base64 = Data(blob).base64EncodedString()
        var lines: [Substring] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(rest.prefix(70))
            rest = rest.dropFirst(70)
        }
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + lines.joined(separator: "\n") + "\n-----END OPENSSH PRIVATE KEY-----\n"
    }

    private static func sshString(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }
}
