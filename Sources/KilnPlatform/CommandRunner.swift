import CKilnSupport
import Foundation

/// The outcome of a short host command (qemu-img, ignition-validate).
public struct HostCommandResult: Sendable {
    public var status: ProcessExitStatus
    public var stdout: String
    public var stderr: String
}

/// Runs a host program to completion, capturing its output. Cancellation kills it.
/// - Parameter input: a file the program reads as its standard input (default: /dev/null).
public func runHostCommand(_ executable: String, _ arguments: [String], input: String? = nil,
                           spawner: ProcessSpawner = .shared) async throws -> HostCommandResult {
    guard let path = findExecutable(executable) else {
        throw SpawnError(executable: executable, errno: ENOENT)
    }
    var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
    let devNull = open(input ?? "/dev/null", O_RDONLY | O_CLOEXEC)
    guard devNull >= 0 else { throw SystemError("open \(input ?? "/dev/null")", errno: errno) }
    guard kiln_pipe(&out) == 0, kiln_pipe(&err) == 0 else {
        let code = errno
        [devNull, out[0], out[1], err[0], err[1]].filter { $0 >= 0 }.forEach { close($0) }
        throw SystemError("set up the pipes for \(executable)", errno: code)
    }
    let process: ChildProcess
    do {
        process = try await spawner.spawn(executable: path, arguments: arguments,
                                          descriptors: [devNull, out[1], err[1]])
    } catch {
        [devNull, out[0], out[1], err[0], err[1]].forEach { close($0) }
        throw error
    }
    [devNull, out[1], err[1]].forEach { close($0) }
    async let stdout = readToEnd(out[0])
    async let stderr = readToEnd(err[0])
    let status = await withTaskCancellationHandler {
        await process.waitForExit()
    } onCancel: {
        process.send(SIGKILL)
    }
    return HostCommandResult(status: status, stdout: await stdout, stderr: await stderr)
}

/// Reads a descriptor to EOF on a thread of its own, then closes it.
func readToEnd(_ fd: Int32) async -> String {
    await withCheckedContinuation { continuation in
        Thread {
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    data.append(contentsOf: buffer[0..<n])
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(fd)
            continuation.resume(returning: String(decoding: data, as: UTF8.self))
        }.start()
    }
}
