import KilnCore
import KilnPlatform
import Synchronization

/// The machines a test started, ready or not, so that its report shows how far each got.
final class MachineCollector: Sendable {
    private let machines = Mutex<[any Machine]>([])

    func add(_ machine: any Machine) {
        machines.withLock { $0.append(machine) }
    }

    /// Each machine's boot report, in the order they started.
    var reports: [MachineReport] { machines.withLock { $0 }.map { $0.bootReport() } }
}
