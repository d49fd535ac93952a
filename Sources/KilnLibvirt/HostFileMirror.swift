import CKilnSupport
import Foundation
import KilnCore
import KilnPlatform

/// A local copy of a file that QEMU on a remote host writes (the serial console, the streamed
/// journal), kept current while the machine runs so the console checks and the host-key check
/// read it as they read a local one.
///
/// `tail -F` on the host streams the file over the host's SSH connection; the remote shell
/// waits on its standard input, which Kiln holds open, and ends `tail` when it closes, so
/// nothing is left running there. ``stop()`` then copies the whole file once more, so the
/// artifact is complete whatever `tail` had sent.
public final class HostFileMirror: Sendable {
    public let path: String
    public let localPath: String
    private let process: ChildProcess
    private let stdinWrite: Int32
    private let access: SSHHostAccess

    init(path: String, localPath: String, ssh: [String], access: SSHHostAccess) async throws {
        self.path = path
        self.localPath = localPath
        self.access = access
        let quoted = Shell.quoted(path)
        let script = "tail -c +1 -F \(quoted) 2>/dev/null & t=$!; read _; kill $t"
        var input: [Int32] = [-1, -1]
        guard kiln_pipe(&input) == 0 else { throw SystemError("pipe for the mirror of \(path)", errno: errno) }
        let output = open(localPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { [input[0], output, devNull].filter { $0 >= 0 }.forEach { close($0) } }
        guard output >= 0, devNull >= 0, let executable = findExecutable("ssh") else {
            close(input[1])
            throw SystemError("open \(localPath)", errno: errno)
        }
        do {
            process = try await ProcessSpawner.shared.spawn(
                executable: executable, arguments: ssh + ["--", "sh -c \(Shell.quoted(script))"],
                descriptors: [input[0], output, devNull])
        } catch {
            close(input[1])
            throw error
        }
        stdinWrite = input[1]
    }

    /// Ends the stream and replaces the local copy with the whole file as it is now.
    public func stop() async {
        close(stdinWrite)
        let ended = Task { await process.waitForExit() }
        let killer = Task {
            try await Task.sleep(for: .seconds(5))
            process.send(SIGKILL)
        }
        _ = await ended.value
        killer.cancel()
        try? await access.download(path, to: localPath)
    }
}
