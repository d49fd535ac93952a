import Foundation

/// Reads a machine's serial console as it grows and says what it shows: boot milestones,
/// a failed Ignition (with Ignition's own error lines), a kernel panic, the SSH host keys.
///
/// It understands Kiln's reference guest, which prints Ignition's errors between
/// `=== kiln-guest: Ignition failed ===` and `=== kiln-guest: end ===`, and Fedora CoreOS,
/// whose console shows `Ignition failed: ...` and failed `ignition-*` units.
public struct ConsoleAnalyzer: Sendable {
    /// A boot milestone: its name, and the lines that mark it: a line marks it when it contains
    /// every fragment of one of the alternatives.
    public struct Milestone: Sendable, Equatable {
        public var name: String
        public var alternatives: [[String]]

        public init(name: String, _ alternatives: [String]...) {
            self.name = name
            self.alternatives = alternatives
        }

        func isMarked(by line: String) -> Bool {
            alternatives.contains { fragments in fragments.allSatisfy { line.contains($0) } }
        }
    }

    /// Why a boot cannot succeed, as read from the console.
    public enum Fatal: Sendable, Equatable, CustomStringConvertible {
        /// Ignition failed; its error lines.
        case ignitionFailed([String])
        /// The kernel panicked; the panic line.
        case kernelPanic(String)
        /// The initramfs gave up and entered emergency mode without an Ignition error.
        case emergency(String)

        public var description: String {
            switch self {
            case .ignitionFailed(let lines):
                "Ignition failed in the guest:\n" + lines.map { "  " + $0 }.joined(separator: "\n")
            case .kernelPanic(let line): "the guest kernel panicked: \(line)"
            case .emergency(let line): "the guest's initramfs failed: \(line)"
            }
        }
    }

    public static let ignitionFailedMarker = "=== kiln-guest: Ignition failed ==="
    public static let endMarker = "=== kiln-guest: end ==="
    public static let hostKeyPrefix = "kiln-guest: ssh-host-key "

    /// The milestones Kiln times, in boot order.
    /// They are read from systemd's status lines (`Starting …`, `Reached target …`), which both
    /// Kiln's reference guest and Fedora CoreOS print on the serial console.
    public static let standardMilestones: [Milestone] = [
        Milestone(name: "kernel", ["Linux version "]),
        Milestone(name: "ignition-fetch", ["Starting", "Ignition (fetch-offline)"], ["Starting", "Ignition (fetch)"]),
        Milestone(name: "ignition-files", ["Starting", "Ignition (files)"]),
        Milestone(name: "ignition-complete", ["Reached target", "Ignition Complete."]),
        Milestone(name: "switch-root", ["Starting", "Switch Root..."]),
        Milestone(name: "sshd", ["Started ssh.service"], ["Started sshd.service"]),
        Milestone(name: "login-prompt", [" login: "]),
    ]

    public private(set) var phases: [BootPhase] = []
    public private(set) var fatal: Fatal?
    /// `type base64` of every host key the guest printed.
    public private(set) var hostKeys: [String] = []
    /// How many host-key lines the console had: the guest prints its key on every boot, just
    /// before its sshd starts, so a new line says the current boot is about to answer.
    public private(set) var hostKeyLines = 0
    /// Complete lines read so far.
    public private(set) var lineCount = 0

    private let milestones: [Milestone]
    private var partial = ""
    private var ignitionBlock: [String]?
    private var collectingFCOSErrors = false

    public init(milestones: [Milestone] = ConsoleAnalyzer.standardMilestones) {
        self.milestones = milestones
    }

    /// Feeds console output read `seconds` after the machine started. Text may end mid-line.
    public mutating func consume(_ text: String, at seconds: Double) {
        partial += text
        while let newline = partial.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
            let line = String(partial[..<newline])
            partial = String(partial[partial.index(after: newline)...])
            consumeLine(Self.clean(line), at: seconds)
        }
        // A login prompt waits for input on an unfinished line.
        if !partial.isEmpty { recordMilestones(in: Self.clean(partial), at: seconds) }
    }

    private mutating func recordMilestones(in line: String, at seconds: Double) {
        for milestone in milestones where milestone.isMarked(by: line) && !phases.contains(where: { $0.name == milestone.name }) {
            phases.append(BootPhase(name: milestone.name, seconds: seconds))
        }
    }

    /// Flushes a last line without a newline (when the console is complete).
    public mutating func finish(at seconds: Double) {
        if !partial.isEmpty {
            consumeLine(Self.clean(partial), at: seconds)
            partial = ""
        }
        // The guest stopped in the middle of its error block: what it printed is the error.
        if fatal == nil, let block = ignitionBlock {
            fatal = .ignitionFailed(block)
        }
    }

    /// Removes carriage returns and terminal escape sequences.
    public static func clean(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        var iterator = line.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                // CSI: ESC [ params final-byte
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
                }
                continue
            }
            if scalar == "\r" { continue }
            out.append(scalar)
        }
        return String(out)
    }

    private mutating func consumeLine(_ line: String, at seconds: Double) {
        lineCount += 1
        recordMilestones(in: line, at: seconds)
        if let range = line.range(of: Self.hostKeyPrefix) {
            let key = String(line[range.upperBound...]).trimmingSpaces()
            if !key.isEmpty { hostKeyLines += 1 }
            if !key.isEmpty, !hostKeys.contains(key) { hostKeys.append(key) }
        }
        if case .ignitionFailed(let lines) = fatal, collectingFCOSErrors {
            // Fedora CoreOS: the lines Ignition logs after its failure line belong to it.
            if line.contains("ignition[") || line.contains("Ignition") {
                fatal = .ignitionFailed(lines + [line.trimmingSpaces()])
            } else {
                collectingFCOSErrors = false
            }
            return
        }
        guard fatal == nil else { return }
        if line.contains(Self.ignitionFailedMarker) {
            ignitionBlock = []
            return
        }
        if ignitionBlock != nil {
            if line.contains(Self.endMarker) {
                fatal = .ignitionFailed(ignitionBlock ?? [])
                ignitionBlock = nil
            } else if !line.trimmingSpaces().isEmpty {
                ignitionBlock?.append(line.trimmingSpaces())
            }
            return
        }
        if line.contains("Kernel panic - not syncing") {
            fatal = .kernelPanic(line.trimmingSpaces())
        } else if line.contains("Ignition failed:") {
            // Fedora CoreOS: the error is on the console; a few more lines may follow.
            fatal = .ignitionFailed([line.trimmingSpaces()])
            collectingFCOSErrors = true
        } else if line.contains("Entering emergency mode") {
            fatal = .emergency(line.trimmingSpaces())
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
