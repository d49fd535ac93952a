import CKilnSupport
import Foundation

/// Starts child processes from one thread that lives as long as Kiln, so that a child asked to
/// die with its parent (`PR_SET_PDEATHSIG`) dies when Kiln dies, and not when some worker thread
/// that happened to fork it exits (the death signal follows the forking *thread*).
public final class ProcessSpawner: Sendable {
    /// The spawner of this process. Its thread starts on first use and never exits.
    public static let shared = ProcessSpawner()

    private let thread = DedicatedThread(name: "kiln-spawner")

    private init() {}

    /// Starts `executable` with `arguments` (argv[0] is the executable's name).
    /// - Parameters:
    ///   - descriptors: the child's descriptors 0, 1, 2, 3, …: each element is a descriptor of
    ///     Kiln's that the child gets at that index. Nothing else is inherited.
    ///   - dieWithParent: deliver SIGKILL to the child when Kiln exits, however it exits.
    ///   - grouping: the child's process group (by default one of its own).
    public func spawn(executable: String, arguments: [String], environment: [String: String]? = nil,
                      descriptors: [Int32], dieWithParent: Bool = true,
                      grouping: ProcessGrouping = .newGroup) async throws -> ChildProcess {
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = [executable] + arguments
        let pid = try await thread.run { try Self.spawnNow(executable, argv, env, descriptors, dieWithParent, grouping).get() }
        return ChildProcess(pid: pid, executable: executable)
    }

    private static func spawnNow(_ path: String, _ argv: [String], _ env: [String], _ fds: [Int32],
                                 _ dieWithParent: Bool, _ grouping: ProcessGrouping) -> Result<pid_t, any Error> {
        var cArgv = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let err = fds.withUnsafeBufferPointer { fdBuffer in
            kiln_spawn_grouped(path, &cArgv, &cEnv, fdBuffer.baseAddress, Int32(fds.count),
                               dieWithParent ? SIGKILL : 0, grouping.rawValue, &pid)
        }
        if err != 0 {
            return .failure(SpawnError(executable: path, errno: err))
        }
        return .success(pid)
    }
}

/// Which process group a child joins.
public enum ProcessGrouping: Int32, Sendable {
    /// A group of its own: a terminal's Ctrl-C reaches only Kiln, which tears the child down in order.
    case newGroup = 0
    /// Kiln's group: a program attached to Kiln's terminal (an interactive `ssh`), which must be
    /// in the terminal's foreground group to read from it.
    case sameGroup = 1
    /// A session of its own, without a controlling terminal: a background copy of Kiln that
    /// outlives the terminal it was started from.
    case newSession = 2
}

/// A program that could not be started.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public var executable: String
    public var errno: Int32

    public init(executable: String, errno: Int32) {
        self.executable = executable
        self.errno = errno
    }

    public var description: String {
        "cannot start \(executable): \(String(cString: strerror(errno)))"
    }
}

/// A system call that failed.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}

/// Finds an executable by name in `$PATH` (or checks a path that has a slash).
public func findExecutable(_ name: String) -> String? {
    if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    for dir in ["/usr/sbin", "/sbin"] where access("\(dir)/\(name)", X_OK) == 0 {
        return "\(dir)/\(name)"
    }
    return nil
}
