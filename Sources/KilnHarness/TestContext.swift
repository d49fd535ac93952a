import Foundation
import KilnCore
public import KilnPlatform
import Synchronization

/// What a test body gets: its machines, a log, and where its artifacts go.
public final class TestContext: Sendable {
    public let testName: String
    /// The test's artifact directory (`<output>/<test name>`).
    public let artifactsDirectory: String
    public let machines: [any Machine]
    let activity: Activity

    init(testName: String, artifactsDirectory: String, machines: [any Machine], activity: Activity) {
        self.testName = testName
        self.artifactsDirectory = artifactsDirectory
        self.activity = activity
        self.machines = machines.map { TrackedMachine(base: $0, activity: activity) }
    }

    /// The first (often the only) machine.
    public var machine: any Machine { machines[0] }

    /// Adds a line to the test's log (shown with its result and kept in `test.log`).
    public func log(_ message: String) {
        activity.log(message)
    }

    /// Fails the test with `message` unless `condition` holds.
    public func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw TestFailure(message()) }
    }
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

    func log(_ message: String) {
        let stamp = String(format: "%7.1fs", (ContinuousClock.now - started).seconds)
        state.withLock { $0.lines.append("\(stamp) \(message)") }
    }

    /// `running X for 12.3s`, or nil when idle.
    var summary: String? {
        state.withLock { state in
            state.current.map { "\($0) (for \(String(format: "%.1f", (ContinuousClock.now - state.since).seconds))s)" }
        }
    }

    var lines: [String] { state.withLock { $0.lines } }
}

/// A machine that records the command in flight in the test's activity.
struct TrackedMachine: Machine {
    let base: any Machine
    let activity: Activity

    var id: String { base.id }
    var artifactsDirectory: String { base.artifactsDirectory }

    func run(_ command: String, timeout: Duration?) async throws -> CommandResult {
        activity.begin("running `\(command)` on \(id)")
        defer { activity.end() }
        let result = try await base.run(command, timeout: timeout)
        activity.log("\(id)$ \(command) -> \(result.exitSignal.map { "SIG\($0)" } ?? "\(result.exitStatus ?? -1)")")
        return result
    }

    func reboot() async throws {
        activity.begin("rebooting \(id)")
        defer { activity.end() }
        try await base.reboot()
        activity.log("\(id) rebooted")
    }

    func bootReport() -> MachineReport { base.bootReport() }
}
