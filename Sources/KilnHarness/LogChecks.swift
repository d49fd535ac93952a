import Foundation
import KilnCore

/// kola's console and journal "badness" checks (``ConsoleChecks``) over the logs a test's
/// machines left: `console.txt` and `journal.txt` in each machine's directory.
enum LogChecks {
    static func scan(machines: [MachineReport], suppressed: [String], warningOnly: Bool) -> [ConsoleFinding] {
        machines.flatMap { machine in
            ["console", "journal"].flatMap { source -> [ConsoleFinding] in
                guard let text = try? String(contentsOfFile: "\(machine.directory)/\(source).txt", encoding: .utf8) else { return [] }
                return ConsoleChecks.scan(text, source: source, machine: machine.id, suppressed: Set(suppressed),
                                          warningOnly: warningOnly)
            }
        }
    }
}
