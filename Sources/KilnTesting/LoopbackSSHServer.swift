import Foundation
import KilnPlatform

/// A real OpenSSH server on 127.0.0.1 for tests of Kiln's SSH layer: its own host key, one
/// authorized key, its own config; stopped (and its directory removed) by `stop()`.
public final class LoopbackSSHServer: Sendable {
    public let port: Int
    /// The user to log in as: whoever runs the tests.
    public let user: String
    /// The server's host public key as `type base64`.
    public let hostKey: String
    private let process: ChildProcess
    private let directory: String

    /// Why a loopback server cannot run here, or nil if it can.
    public static var unavailableReason: String? {
        if findExecutable("/usr/sbin/sshd") == nil { return "no /usr/sbin/sshd (harness/setup installs openssh-server)" }
        if findExecutable("ssh-keygen") == nil { return "no ssh-keygen (harness/setup installs openssh-client)" }
        if getuid() != 0 { return "the loopback sshd tests run as root (sshd needs its privilege-separation setup)" }
        return nil
    }

    /// Starts a server that accepts `authorizedKey` (an authorized_keys line).
    public static func start(authorizedKey: String) async throws -> LoopbackSSHServer {
        var template = Array("/tmp/kiln-sshd-XXXXXX".utf8CString)
        guard let dirPointer = mkdtemp(&template) else { throw TestSupportError("mkdtemp failed") }
        let directory = String(cString: dirPointer)
        do {
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            let keygen = try await runHostCommand("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "\(directory)/host_key"])
            guard keygen.status.succeeded else { throw TestSupportError("ssh-keygen: \(keygen.stderr)") }
            let hostKeyLine = try String(contentsOfFile: "\(directory)/host_key.pub", encoding: .utf8)
            let hostKey = hostKeyLine.split(separator: " ").prefix(2).joined(separator: " ")
            try (authorizedKey + "\n").write(toFile: "\(directory)/authorized_keys", atomically: true, encoding: .utf8)
            for attempt in 1...5 {
                let port = try freeLoopbackPort()
                let config = """
                    ListenAddress 127.0.0.1:\(port)
                    HostKey \(directory)/host_key
                    AuthorizedKeysFile \(directory)/authorized_keys
                    PidFile none
                    UsePAM no
                    StrictModes no
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    PermitRootLogin prohibit-password
                    Subsystem sftp internal-sftp
                    LogLevel VERBOSE
                    """
                try config.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)
                let log = open("\(directory)/sshd.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
                let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
                defer {
                    close(log)
                    close(devNull)
                }
                let process = try await ProcessSpawner.shared.spawn(
                    executable: "/usr/sbin/sshd", arguments: ["-D", "-e", "-f", "\(directory)/sshd_config"],
                    descriptors: [devNull, log, log])
                if await waitUntilListening(port: port, process: process) {
                    return LoopbackSSHServer(port: port, user: currentUser(), hostKey: hostKey, process: process,
                                             directory: directory)
                }
                _ = await process.terminate()
                if attempt == 5 {
                    let text = (try? String(contentsOfFile: "\(directory)/sshd.log", encoding: .utf8)) ?? ""
                    throw TestSupportError("sshd did not start: \(text)")
                }
            }
            throw TestSupportError("unreachable")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    private init(port: Int, user: String, hostKey: String, process: ChildProcess, directory: String) {
        self.port = port
        self.user = user
        self.hostKey = hostKey
        self.process = process
        self.directory = directory
    }

    /// The server's log so far.
    public var log: String { (try? String(contentsOfFile: "\(directory)/sshd.log", encoding: .utf8)) ?? "" }

    /// Stops the server and removes its files.
    public func stop() async {
        _ = await process.terminate(grace: .seconds(2))
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func waitUntilListening(port: Int, process: ChildProcess) async -> Bool {
        for _ in 0..<600 {  // 30 s: a loaded 2-core machine may be slow to start sshd
            if process.exitStatus != nil { return false }
            if canConnect(port: port) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    private static func currentUser() -> String {
        guard let pw = getpwuid(getuid()) else { return "root" }
        return String(cString: pw.pointee.pw_name)
    }
}

func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopbackAddress(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// A test fixture that could not be set up.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
