import Foundation

/// Headless Chromium (Debian's `chromium`, installed by harness/setup), to see a page as a
/// browser renders it: its DOM after parsing and a screenshot.
///
/// Chromium runs as root here, so without its sandbox (`--no-sandbox`), with `/tmp` for shared
/// memory (`--disable-dev-shm-usage`), and with a scratch home, XDG directories and profile
/// (`--user-data-dir`) that are removed afterwards, so it leaves nothing behind in the real home
/// (it writes crash-report settings and a dconf cache there otherwise). It runs under
/// coreutils' `timeout`, which kills its whole process group (the browser, its zygote,
/// renderer and GPU processes) when it takes too long.
enum HeadlessChromium {
    static let executable = "/usr/bin/chromium"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// The flags every run gets.
    static let flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--hide-scrollbars"]

    struct Result {
        var status: Int32
        /// Standard output (the DOM, for `--dump-dom`).
        var output: String
        var errors: String
        /// Processes whose command line still named the run's profile ten seconds after it ended
        /// (killed then).
        var leftovers: [String]
    }

    /// Runs Chromium with `arguments` on the file `page`, for at most `seconds` seconds, on a
    /// thread of its own: waiting for it (and for its helpers to go) blocks, and a blocked
    /// thread of Swift's cooperative pool (two, on two cores) stalls every other test's tasks.
    static func run(_ arguments: [String], page: String, seconds: Int = 120) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result<HeadlessChromium.Result, any Error> { try runBlocking(arguments, page: page, seconds: seconds) })
            }.start()
        }
    }

    private static func runBlocking(_ arguments: [String], page: String, seconds: Int) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let profile = scratch.appendingPathComponent("profile").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=10", "\(seconds)", executable] + flags + ["--user-data-dir=\(profile)"] + arguments
            + [URL(fileURLWithPath: page).absoluteString]
        var environment = ProcessInfo.processInfo.environment
        for (name, directory) in [("HOME", "home"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                                  ("XDG_RUNTIME_DIR", "runtime")] {
            let path = scratch.appendingPathComponent(directory).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            environment[name] = path
        }
        process.environment = environment
        let output = scratch.appendingPathComponent("stdout"), errors = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: try String(contentsOf: output, encoding: .utf8),
                      errors: try String(contentsOf: errors, encoding: .utf8), leftovers: leftovers(naming: profile))
    }

    /// Chromium's helper processes (the zygote) outlive the browser by a moment: waits up to ten
    /// seconds for those whose command line names `profile` to end, then kills those left (by
    /// their pid) and returns them.
    static func leftovers(naming profile: String) -> [String] {
        for _ in 0..<100 {
            if processes(naming: profile).isEmpty { return [] }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let left = processes(naming: profile)
        for entry in left {
            if let pid = Int32(entry.prefix { $0 != ":" }) { kill(pid, SIGKILL) }
        }
        return left
    }

    /// The command lines of live processes that contain `text`.
    static func processes(naming text: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return command.contains(text) ? "\(pid): \(command)" : nil
        }
    }
}
