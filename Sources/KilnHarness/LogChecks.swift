import Foundation
import KilnCore
import KilnPlatform

/// kola's console and journal "badness" checks (``ConsoleChecks``) over the logs a test's
/// machines left: `console.txt`, and the journal as streamed from every boot
/// (`journal-stream.txt`), else as fetched over SSH at the end (`journal.txt`).
enum LogChecks {
    static func scan(machines: [MachineReport], suppressed: [String], warningOnly: Bool) -> [ConsoleFinding] {
        machines.flatMap { machine in
            logs(in: machine.directory).flatMap { source, text in
                ConsoleChecks.scan(text, source: source, machine: machine.id, suppressed: Set(suppressed), warningOnly: warningOnly)
            }
        }
    }

    /// The console and the journal of a machine's directory, by source name.
    static func logs(in directory: String) -> [(source: String, text: String)] {
        logFiles(in: directory).map { ($0.source, $0.text) }
    }

    /// The same logs with the name of the file each was read from (`console.txt`, and
    /// `journal-stream.txt` or `journal.txt`).
    static func logFiles(in directory: String) -> [(source: String, file: String, text: String)] {
        func read(_ file: String) -> (String, String)? {
            guard let text = try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8), !text.isEmpty else { return nil }
            return (file, text)
        }
        var logs: [(String, String, String)] = []
        if let (file, console) = read("console.txt") { logs.append(("console", file, console)) }
        if let (file, journal) = read(JournalStream.fileName) ?? read("journal.txt") { logs.append(("journal", file, journal)) }
        return logs
    }
}
