import Crypto
import Foundation

/// An ed25519 key pair made for one run and never written to disk by Kiln.
///
/// ed25519 and not RSA: Debian 12's libssh2 1.10 signs RSA only with SHA-1 (`ssh-rsa`), which
/// OpenSSH ≥ 8.8 refuses.
public struct SSHKeyPair: Sendable {
    /// PKCS#8 PEM, the form libssh2 reads from memory.
    public let privateKeyPEM: String
    /// One `authorized_keys` line: `ssh-ed25519 <base64> <comment>`.
    public let publicKeyLine: String

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
    }

    private static func sshString(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }
}
