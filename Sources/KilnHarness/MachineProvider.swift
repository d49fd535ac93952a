import Foundation
import Synchronization
public import KilnCore
public import KilnPlatform

/// Boots machines for a test beyond the ones the runner booted for it (kola's
/// `TestManagedMachines`): for tests that need a machine whose boot is meant to fail, or one
/// booted later with another config.
public protocol MachineProvider: Sendable {
    /// Boots a machine with `config` (Kiln's key added, converted for the image, validated),
    /// runs `body` with it, and destroys it however `body` ends. A boot that fails throws the
    /// platform's error (for example ``MachineError/ignitionFailed(machine:detail:)``).
    func withMachine(config: IgnitionConfig?, _ body: @escaping @Sendable (any Machine) async throws -> Void) async throws
}

/// The runner's provider: machines named `<test>-x0`, `-x1`, ... with the test's options, their
/// artifacts beside the test's others, reported with the test.
struct RunnerMachineProvider: MachineProvider {
    let runner: TestRunner
    let test: RegisteredTest
    let directory: String
    let machines: MachineCollector
    let activity: Activity
    let counter = Counter()

    func withMachine(config: IgnitionConfig?, _ body: @escaping @Sendable (any Machine) async throws -> Void) async throws {
        let index = counter.next()
        let id = "\(test.metadata.name)-x\(index)"
        let machineDirectory = "\(directory)/x\(index)"
        try ArtifactDirectory.create(machineDirectory)
        let rendered = try runner.renderedConfig(config, of: test)
        try await runner.validate(rendered, of: test.metadata.name, allowingWarnings: test.metadata.flags.allowConfigWarnings,
                                  in: machineDirectory)
        activity.begin("booting \(id) (QEMU start to SSH)")
        defer { activity.end() }
        let spec = runner.machineSpec(id: id, directory: machineDirectory, config: rendered, of: test, machines: machines)
        try await runner.platform.withMachine(spec) { machine in
            activity.end()
            try await body(TrackedMachine(base: machine, activity: activity))
        }
    }
}

/// Numbers handed out once each.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
