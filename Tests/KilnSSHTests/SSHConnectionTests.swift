import Foundation
import Synchronization
import KilnPlatform
import KilnTesting
import Testing

@testable import KilnSSH

/// Kiln's libssh2 layer against a real OpenSSH server on loopback.
@Suite(.enabled(if: LoopbackSSHServer.unavailableReason == nil,
                Comment(rawValue: LoopbackSSHServer.unavailableReason ?? "")))
struct SSHConnectionTests {
    let key = SSHKeyPair.generateEd25519(comment: "kiln-test")

    func withServer(_ body: (LoopbackSSHServer, SSHConnection) async throws -> Void) async throws {
        let server = try await LoopbackSSHServer.start(authorizedKey: key.publicKeyLine)
        do {
            let connection = try await SSHConnection.connect(
                to: .init(host: "127.0.0.1", port: server.port, user: server.user, key: key), bannerTimeout: .seconds(20))
            do {
                try await body(server, connection)
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
        } catch {
            Issue.record("sshd log:\n\(server.log)")
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// SFTP through libssh2: a file of 300 KB (several write calls) arrives whole with its mode,
    /// and a path the user cannot write is an error naming it.
    @Test func uploadWritesTheFileWithItsMode() async throws {
        try await withServer { _, ssh in
            let path = NSTemporaryDirectory() + "kiln-upload-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try await ssh.upload(bytes, to: path, mode: 0o750, timeout: .seconds(30))
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == bytes)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o750)
            await #expect(throws: SSHError.self) {
                try await ssh.upload([1], to: "/nonexistent-dir/file", timeout: .seconds(30))
            }
            // The connection still runs commands after a failed upload.
            #expect(try await ssh.exec("echo still", timeout: .seconds(30)).stdoutText == "still\n")
        }
    }

    @Test func execSeparatesStdoutStderrAndExitStatus() async throws {
        try await withServer { server, ssh in
            #expect(ssh.hostKey == server.hostKey)
            let result = try await ssh.exec("echo out; echo err >&2; exit 3", timeout: .seconds(30))
            #expect(result.stdoutText == "out\n")
            #expect(result.stderrText == "err\n")
            #expect(result.exitStatus == 3)
            #expect(result.exitSignal == nil)
        }
    }

    @Test func largeOutputArrivesWhole() async throws {
        try await withServer { _, ssh in
            let result = try await ssh.exec("head -c 3000000 /dev/zero | tr '\\0' a; echo e >&2", timeout: .seconds(60))
            #expect(result.stdout.count == 3_000_000)
            #expect(result.stdout.allSatisfy { $0 == UInt8(ascii: "a") })
            #expect(result.stderrText == "e\n")
        }
    }

    @Test func commandsGetEndOfInput() async throws {
        try await withServer { _, ssh in
            let result = try await ssh.exec("cat; echo done", timeout: .seconds(20))
            #expect(result.stdoutText == "done\n")
        }
    }

    @Test func signalIsReported() async throws {
        try await withServer { _, ssh in
            let result = try await ssh.exec("kill -KILL $$", timeout: .seconds(20))
            #expect(result.exitSignal == "KILL")
            #expect(result.exitStatus == nil)
        }
    }

    @Test func commandTimeoutEndsTheCommandAndTheConnectionStaysUsable() async throws {
        try await withServer { _, ssh in
            let start = ContinuousClock.now
            await #expect(throws: SSHError.timedOut(operation: "command `sleep 30`", after: .seconds(1))) {
                _ = try await ssh.exec("sleep 30", timeout: .seconds(1))
            }
            #expect(ContinuousClock.now - start < .seconds(15))
            let after = try await ssh.exec("echo still here", timeout: .seconds(20))
            #expect(after.stdoutText == "still here\n")
        }
    }

    @Test func cancellationEndsACommandPromptly() async throws {
        try await withServer { _, ssh in
            let start = ContinuousClock.now
            let task = Task { try await ssh.exec("sleep 30", timeout: .seconds(60)) }
            try await Task.sleep(for: .milliseconds(500))
            task.cancel()
            await #expect(throws: SSHError.cancelled(operation: "command `sleep 30`")) { _ = try await task.value }
            #expect(ContinuousClock.now - start < .seconds(15))
        }
    }

    @Test func wrongKeyIsRefusedWithLibssh2sReason() async throws {
        let server = try await LoopbackSSHServer.start(authorizedKey: key.publicKeyLine)
        defer { Task { await server.stop() } }
        let other = SSHKeyPair.generateEd25519(comment: "other")
        do {
            _ = try await SSHConnection.connect(
                to: .init(host: "127.0.0.1", port: server.port, user: server.user, key: other))
            Issue.record("login with an unauthorized key succeeded")
        } catch let error as SSHError {
            #expect("\(error)".contains("public-key login as \(server.user) failed"))
        }
        await server.stop()
    }

    @Test func aRejectedHostKeyEndsTheAttemptBeforeLoggingIn() async throws {
        let server = try await LoopbackSSHServer.start(authorizedKey: key.publicKeyLine)
        let seen = Mutex<String?>(nil)
        await #expect(throws: SSHError.hostKeyRejected(presented: server.hostKey)) {
            _ = try await SSHConnection.connect(
                to: .init(host: "127.0.0.1", port: server.port, user: server.user, key: key),
                acceptHostKey: { presented in
                    seen.withLock { $0 = presented }
                    return false
                })
        }
        #expect(seen.withLock { $0 } == server.hostKey)
        #expect(!server.log.contains("Accepted publickey"), "Kiln logged in to a server whose key it rejected")
        await server.stop()
    }

    @Test func aPortThatIsNotSSHFailsFast() async throws {
        // A listener that accepts and never speaks: QEMU's forward before the guest's sshd is up.
        // Bound to port 0 and asked which port it got: a port found free first and bound later
        // can be taken in between by the many tests running beside this one.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound && listen(fd, 4) == 0, "could not listen on 127.0.0.1")
        let port = Int(UInt16(bigEndian: address.sin_port))
        let start = ContinuousClock.now
        await #expect(throws: SSHError.self) {
            _ = try await SSHConnection.connect(
                to: .init(host: "127.0.0.1", port: port, user: "core", key: key), bannerTimeout: .milliseconds(500))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func publicKeyLineHasTheOpenSSHShape() {
        let parts = key.publicKeyLine.split(separator: " ")
        #expect(parts.count == 3)
        #expect(parts[0] == "ssh-ed25519")
        #expect(Data(base64Encoded: String(parts[1]))?.count == 51)  // 4+11 + 4+32
        #expect(key.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
    }
}
