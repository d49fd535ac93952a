/// One look at an external test in its guest: the state of its systemd unit and the reboot
/// marks its script left (see ``AutopkgtestHelpers``), parsed from the `Key=Value` lines of
/// ``ExternalUnitState/probeCommand(unit:stateDirectory:)``.
public struct ExternalUnitState: Sendable, Equatable {
    /// Where the script is.
    public enum Phase: Sendable, Equatable {
        /// Still running (or starting, or stopping).
        case running
        /// Exited with status 0.
        case passed
        /// Ended any other way; the reason reads as "the script <reason>".
        case failed(String)
        /// systemd does not know the unit (it was never started in this boot).
        case notLoaded
    }

    public var phase: Phase
    /// `/tmp/autopkgtest-reboot MARK`: the script waits for Kiln to reboot the machine.
    public var rebootMark: String?
    /// `/tmp/autopkgtest-reboot-prepare MARK`: the script reboots the machine itself.
    public var preparedMark: String?

    public init(phase: Phase, rebootMark: String? = nil, preparedMark: String? = nil) {
        self.phase = phase
        self.rebootMark = rebootMark
        self.preparedMark = preparedMark
    }

    /// The shell command (run as root) whose output `init(parsing:)` reads.
    public static func probeCommand(unit: String, stateDirectory: String) -> String {
        let directory = Shell.quoted(stateDirectory)
        return """
            for m in reboot-mark:RebootMark reboot-prepared:PreparedMark; do \
            f=\(directory)/${m%%:*}; if [ -e "$f" ]; then printf '%s=%s\\n' "${m#*:}" "$(head -n 1 "$f")"; fi; done; \
            systemctl show -p LoadState -p ActiveState -p SubState -p Result -p ExecMainCode -p ExecMainStatus -- \(Shell.quoted(unit))
            """
    }

    /// Reads the output of ``probeCommand(unit:stateDirectory:)``.
    public init(parsing text: String) {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        rebootMark = values["RebootMark"]
        preparedMark = values["PreparedMark"]
        let code = values["ExecMainCode"].flatMap { Int($0) } ?? 0
        let status = values["ExecMainStatus"].flatMap { Int($0) } ?? 0
        switch (values["LoadState"], values["ActiveState"], values["SubState"]) {
        case ("not-found", _, _):
            phase = .notLoaded
        case (_, "active", "exited"):
            // RemainAfterExit: the main process is gone; ExecMainCode 1 is CLD_EXITED.
            phase = code == 1 && status == 0 ? .passed : .failed(Self.ending(code: code, status: status, result: values["Result"]))
        case (_, "failed", _), (_, "inactive", _):
            phase = .failed(Self.ending(code: code, status: status, result: values["Result"]))
        default:
            phase = .running
        }
    }

    /// "exited with status 3", "was killed by signal SIGKILL (9)".
    static func ending(code: Int, status: Int, result: String?) -> String {
        switch code {
        case 1: return "exited with status \(status)"
        case 2, 3: return "was killed by signal \(signalName(status)) (\(status))\(code == 3 ? ", dumping core" : "")"
        default: return "ended without an exit status (unit result: \(result ?? "unknown"))"
        }
    }

    /// `SIGTERM` for 15; Linux numbering.
    public static func signalName(_ number: Int) -> String {
        let names = ["HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
                     "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
                     "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"]
        return (1...names.count).contains(number) ? "SIG\(names[number - 1])" : "signal \(number)"
    }
}
