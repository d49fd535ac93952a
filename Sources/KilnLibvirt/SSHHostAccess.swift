import CKilnSupport
public import Foundation
import KilnCore
import KilnPlatform
public import Logging
import Synchronization

/// A remote libvirt host, reached with OpenSSH's client as libvirt's own `qemu+ssh://` transport
/// reaches it, so the user's ssh configuration (keys, agent, `ProxyJump`, known hosts) applies.
/// One master connection per host and run (`ControlMaster`) carries every command, copy, port
/// forward and mirror; it ends with ``close()`` or with Kiln.
///
/// The build's image is copied once per host and digest to
/// `/var/tmp/kiln-libvirt/images/<sha256>.qcow2`, checked there with `sha256sum` (a copy that
/// does not match is removed, never used) and reused by later runs; machines get overlays on it.
/// For direct kernel boot the build's kernel and initramfs are copied and checked the same way,
/// as `<sha256>.kernel` and `<sha256>.initramfs` beside it.
public final class SSHHostAccess: LibvirtHostAccess {
    /// `[user@]host` as ssh takes it.
    public let destination: String
    public let port: Int?
    public var name: String { destination }
    public let isLocal = false
    private let controlDirectory: String
    private let master: ChildProcess
    private let logger: Logger
    private let copies = Mutex<[String: Task<String, any Error>]>([:])

    /// Where copies of build files (images, kernels, initramfs) live on remote hosts.
    public static let imageDirectory = "\(LibvirtPlatform.workRoot)/images"

    /// Opens the master connection to `destination`.
    /// - Throws: `HostCommandError` with what ssh said when it cannot log in.
    public init(destination: String, port: Int? = nil, logger: Logger) async throws {
        self.destination = destination
        self.port = port
        self.logger = logger
        var template = Array("/tmp/kiln-ssh-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw SystemError("mkdtemp /tmp/kiln-ssh-XXXXXX", errno: errno) }
        controlDirectory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let log = "\(controlDirectory)/master.log"
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        let logFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { [devNull, logFD].filter { $0 >= 0 }.forEach { Foundation.close($0) } }
        do {
            guard let ssh = findExecutable("ssh") else { throw SpawnError(executable: "ssh", errno: ENOENT) }
            master = try await ProcessSpawner.shared.spawn(
                executable: ssh,
                arguments: ["-M", "-N", "-o", "ControlPersist=no", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]
                    + Self.options(controlPath: "\(controlDirectory)/m", port: port) + [destination],
                descriptors: [devNull, devNull, logFD])
        } catch {
            try? FileManager.default.removeItem(atPath: controlDirectory)
            throw error
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: "\(controlDirectory)/m") {
            if let status = master.exitStatus ?? (ContinuousClock.now > deadline ? .exited(-1) : nil) {
                master.send(SIGKILL)
                let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                try? FileManager.default.removeItem(atPath: controlDirectory)
                throw HostCommandError(host: destination, what: "ssh login", status: status,
                                       stderr: said.isEmpty ? "no answer in 30 s" : said)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        logger.debug("ssh master connection up", metadata: ["host": "\(destination)"])
    }

    private static func options(controlPath: String, port: Int?) -> [String] {
        ["-o", "ControlPath=\(controlPath)", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes"]
            + (port.map { ["-p", String($0)] } ?? [])
    }

    /// ssh's arguments for one more session over the master connection.
    private var sessionOptions: [String] {
        ["-o", "ControlMaster=no"] + Self.options(controlPath: "\(controlDirectory)/m", port: port)
    }

    @discardableResult public func run(_ script: String) async throws -> String {
        try await run(script, input: nil)
    }

    /// Runs `script` with `input` (a local file) as its standard input.
    func run(_ script: String, input: String?) async throws -> String {
        let result = try await runHostCommand("ssh", sessionOptions + [destination, "--", "sh -c \(Shell.quoted(script))"],
                                              input: input)
        guard result.status.succeeded else {
            throw HostCommandError(host: destination, what: "sh -c '\(script.prefix(200))'", status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }

    public func write(_ contents: Data, to path: String) async throws {
        let local = "\(controlDirectory)/upload-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: local, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw SystemError("write \(local)", errno: errno)
        }
        defer { unlink(local) }
        let target = Shell.quoted(path)
        _ = try await run("umask 077 && cat > \(target)", input: local)
    }

    public func buildFile(at path: String, sha256: String, suffix: String) async throws -> String {
        let name = sha256 + suffix
        let task = copies.withLock { copies in
            if let running = copies[name] { return running }
            let task = Task { try await self.copyBuildFile(path, sha256: sha256, name: name) }
            copies[name] = task
            return task
        }
        return try await task.value
    }

    /// Copies a build file (image, kernel, initramfs) to `name` in ``imageDirectory`` unless the
    /// host has a copy with that digest; verifies either way.
    private func copyBuildFile(_ path: String, sha256: String, name: String) async throws -> String {
        let directory = Self.imageDirectory
        let target = "\(directory)/\(name)"
        let check = "echo \(sha256)\\ \\ \(target) | sha256sum -c --status"
        if (try? await run("[ -f \(target) ] && \(check) && touch \(target)")) != nil {
            logger.info("build file already on host", metadata: ["host": "\(destination)", "path": "\(target)"])
            return target
        }
        logger.info("copying build file to host", metadata: ["host": "\(destination)", "path": "\(target)"])
        let started = ContinuousClock.now
        let script = """
            set -e; mkdir -p \(directory); t=$(mktemp \(directory)/.copy-XXXXXX); trap 'rm -f "$t"' EXIT
            cat > "$t"
            echo \(sha256)\\ \\ "$t" | sha256sum -c --status || { echo "the copy's sha256 is not \(sha256)" >&2; exit 1; }
            chmod 0644 "$t"; mv "$t" \(target); trap - EXIT
            """
        _ = try await run(script, input: path)
        logger.info("copied build file", metadata: ["host": "\(destination)", "seconds": "\((ContinuousClock.now - started).seconds)"])
        return target
    }

    /// Copies `path` on the host to `localPath` here, byte for byte (a partial copy is removed).
    public func download(_ path: String, to localPath: String) async throws {
        let partial = "\(localPath).partial"
        let output = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { [output, devNull].filter { $0 >= 0 }.forEach { Foundation.close($0) } }
        guard output >= 0, devNull >= 0, let ssh = findExecutable("ssh") else { throw SystemError("open \(partial)", errno: errno) }
        let process = try await ProcessSpawner.shared.spawn(
            executable: ssh, arguments: sessionOptions + [destination, "--", "cat \(Shell.quoted(path))"],
            descriptors: [devNull, output, devNull])
        let status = await withTaskCancellationHandler { await process.waitForExit() } onCancel: { process.send(SIGKILL) }
        guard status.succeeded, rename(partial, localPath) == 0 else {
            unlink(partial)
            throw HostCommandError(host: destination, what: "copy \(path) here", status: status, stderr: "")
        }
    }

    public func forward(port: Int) async throws -> HostPortForward {
        let local = try freeLoopbackPort()
        return try await forward("-L", "127.0.0.1:\(local):127.0.0.1:\(port)", localPort: local)
    }

    public func forwardSocket(_ remotePath: String, to localPath: String) async throws -> HostPortForward {
        try await forward("-R", "\(remotePath):\(localPath)", localPort: 0)
    }

    /// Adds a forward (`-L` or `-R` and its spec) to the master connection; cancelled likewise.
    private func forward(_ direction: String, _ spec: String, localPort: Int) async throws -> HostPortForward {
        let control = sessionOptions
        let destination = destination
        let forwarded = try await runHostCommand("ssh", control + ["-O", "forward", direction, spec, destination])
        guard forwarded.status.succeeded else {
            throw HostCommandError(host: destination, what: "ssh -O forward \(direction) \(spec)", status: forwarded.status, stderr: forwarded.stderr)
        }
        return HostPortForward(localPort: localPort) {
            _ = try? await runHostCommand("ssh", control + ["-O", "cancel", direction, spec, destination])
        }
    }

    public func mirror(_ path: String, to localPath: String) async throws -> HostFileMirror? {
        try await HostFileMirror(path: path, localPath: localPath, ssh: sessionOptions + [destination], access: self)
    }

    public func close() async {
        _ = await master.terminate(grace: .seconds(3))
        try? FileManager.default.removeItem(atPath: controlDirectory)
    }
}
