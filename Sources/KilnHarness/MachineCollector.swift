import KilnCore
import KilnPlatform
import Synchronization

/// The machines a test booted, and their boot reports taken before they were destroyed.
final class MachineCollector: Sendable {
    private struct Entry {
        var machine: (any Machine)?
        var report: MachineReport
    }
    private let entries = Mutex<[String: Entry]>([:])
    private let order = Mutex<[String]>([])

    func add(_ machine: any Machine) {
        order.withLock { $0.append(machine.id) }
        entries.withLock { $0[machine.id] = Entry(machine: machine, report: machine.bootReport()) }
    }

    /// Takes the machine's final boot report.
    func finish(_ machine: any Machine) {
        let report = machine.bootReport()
        entries.withLock { $0[machine.id] = Entry(machine: nil, report: report) }
    }

    var reports: [MachineReport] {
        let ids = order.withLock { $0 }
        return entries.withLock { entries in
            ids.compactMap { id in entries[id].map { $0.machine?.bootReport() ?? $0.report } }
        }
    }
}
