import Foundation
public import KilnCore
public import KilnPlatform
import Synchronization

/// What a test body gets: its machines, a log, and where its artifacts go.
public final class TestContext: Sendable {
    public let testName: String
    /// The test's artifact directory (`<output>/<test name>`).
    public let artifactsDirectory: String
    public let machines: [any Machine]
    /// 1 on the first run, 2 when `--rerun` runs a failed test again.
    public let attempt: Int
    /// The machines' addresses on the test's private network, in machine order (empty for a
    /// one-machine test).
    public let privateAddresses: [String]
    /// The machine is shared with other tests (a bucket of non-exclusive tests): the test must
    /// leave it as it found it, and may not reboot it.
    public let sharesMachine: Bool
    let activity: Activity
    let failFast: Bool
    let provider: (any MachineProvider)?
    private let failedSubtests = Mutex<[String]>([])

    init(testName: String, artifactsDirectory: String, machines: [any Machine], activity: Activity,
         attempt: Int = 1, privateAddresses: [String] = [], failFast: Bool = false, provider: (any MachineProvider)? = nil,
         checksHealth: Bool = true, sharesMachine: Bool = false) {
        self.provider = provider
        self.sharesMachine = sharesMachine
        self.testName = testName
        self.artifactsDirectory = artifactsDirectory
        self.activity = activity
        self.attempt = attempt
        self.privateAddresses = privateAddresses
        self.failFast = failFast
        self.machines = machines.map { TrackedMachine(base: $0, activity: activity, checksHealth: checksHealth) }
    }

    /// Runs a named part of the test. Its failure is logged and fails the test; with the test's
    /// `failFast` flag it also stops the test, otherwise the remaining subtests still run. The
    /// subtest's time counts against the test's budget, and a timeout names the subtest.
    public func subtest(_ name: String, _ body: () async throws -> Void) async throws {
        activity.enterSubtest(name)
        defer { activity.enterSubtest(nil) }
        let started = ContinuousClock.now
        do {
            try await body()
            log("subtest \(name): PASS (\(String(format: "%.1f", (ContinuousClock.now - started).seconds))s)")
        } catch {
            if Task.isCancelled { throw error }
            log("subtest \(name): FAIL: \(error)")
            failedSubtests.withLock { $0.append(name) }
            if failFast { throw SubtestFailures(names: [name], stoppedEarly: true) }
        }
    }

    /// Throws when a subtest failed, so that a test whose body returned normally still fails.
    func throwIfSubtestsFailed() throws {
        let failed = failedSubtests.withLock { $0 }
        if !failed.isEmpty { throw SubtestFailures(names: failed, stoppedEarly: false) }
    }

    /// The first (often the only) machine.
    public var machine: any Machine { machines[0] }

    /// Boots one more machine with `config` for the duration of `body` (see ``MachineProvider``).
    public func withExtraMachine(config: IgnitionConfig?, _ body: @escaping @Sendable (any Machine) async throws -> Void) async throws {
        guard let provider else { throw TestFailure("\(testName): this test cannot boot machines of its own here") }
        try await provider.withMachine(config: config, body)
    }

    /// Adds a line to the test's log (shown with its result and kept in `test.log`).
    public func log(_ message: String) {
        activity.log(message)
    }

    /// Fails the test with `message` unless `condition` holds.
    public func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw TestFailure(message()) }
    }
}

/// Subtests that failed.
struct SubtestFailures: Error, CustomStringConvertible {
    var names: [String]
    var stoppedEarly: Bool
    var description: String {
        "subtest\(names.count == 1 ? "" : "s") failed: \(names.joined(separator: ", "))" + (stoppedEarly ? " (fail-fast: the rest did not run)" : "")
    }
}

/// A test that enforces its own time limit on part of its work (an external test's script)
/// and ran past it: reported as `TIMEOUT`, not `FAIL`.
public struct TestTimedOut: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A failed expectation in a test.
public struct TestFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What a test is doing right now and its log, so that a timeout can say what was running.
final class Activity: Sendable {
    private struct State {
        var current: String?
        var since = ContinuousClock.now
        var lines: [String] = []
        var subtest: String?
    }
    private let state = Mutex(State())
    private let started = ContinuousClock.now

    func begin(_ what: String) {
        state.withLock {
            $0.current = what
            $0.since = .now
        }
    }

    func end() { state.withLock { $0.current = nil } }

    func enterSubtest(_ name: String?) { state.withLock { $0.subtest = name } }

    func log(_ message: String) {
        let stamp = String(format: "%7.1fs", (ContinuousClock.now - started).seconds)
        state.withLock { $0.lines.append("\(stamp) \(message)") }
    }

    /// `running X for 12.3s`, or nil when idle.
    var summary: String? {
        state.withLock { state in
            let doing = state.current.map { "\($0) (for \(String(format: "%.1f", (ContinuousClock.now - state.since).seconds))s)" }
            guard let subtest = state.subtest else { return doing }
            return "in subtest \(subtest)" + (doing.map { ", \($0)" } ?? "")
        }
    }

    var lines: [String] { state.withLock { $0.lines } }
}

/// A machine that records the command in flight in the test's activity.
struct TrackedMachine: Machine {
    let base: any Machine
    let activity: Activity
    var checksHealth = true

    var id: String { base.id }
    var artifactsDirectory: String { base.artifactsDirectory }

    func run(_ command: String, timeout: Duration?) async throws -> CommandResult {
        activity.begin("running `\(command)` on \(id)")
        defer { activity.end() }
        let result = try await base.run(command, timeout: timeout)
        activity.log("\(id)$ \(command) -> \(result.exitSignal.map { "SIG\($0)" } ?? "\(result.exitStatus ?? -1)")")
        return result
    }

    /// Returns when a new boot answers over SSH and, unless the test skips base checks, the
    /// machine passed the health check again.
    func reboot() async throws {
        activity.begin("rebooting \(id)")
        defer { activity.end() }
        try await base.reboot()
        activity.log("\(id) rebooted")
        if checksHealth {
            activity.begin("checking the health of \(id) after its reboot")
            try await HealthCheck.check(base)
        }
    }

    func awaitReboot(from bootID: String, timeout: Duration) async throws {
        activity.begin("waiting for \(id) to come back from the reboot its guest started")
        defer { activity.end() }
        try await base.awaitReboot(from: bootID, timeout: timeout)
        activity.log("\(id) rebooted (by the guest)")
        if checksHealth {
            activity.begin("checking the health of \(id) after its reboot")
            try await HealthCheck.check(base)
        }
    }

    func upload(_ bytes: [UInt8], to path: String, mode: Int32) async throws {
        activity.begin("uploading \(path) to \(id)")
        defer { activity.end() }
        try await base.upload(bytes, to: path, mode: mode)
    }

    func bootReport() -> MachineReport { base.bootReport() }
}
