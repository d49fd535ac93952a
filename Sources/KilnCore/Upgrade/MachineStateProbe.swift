/// The shell script Kiln runs in a machine (as root) to read its ``MachineState``, and the
/// parser of its output: one round trip, sections marked `@@name`.
public enum MachineStateProbe {
    /// The script; `paths` are the Ignition-written paths to fingerprint.
    public static func script(paths: [String]) -> String {
        var lines = [
            "echo @@boot-id; cat /proc/sys/kernel/random/boot_id",
            "echo @@os-release; (. /etc/os-release; " + MachineState.versionKeys.map { "echo \"\($0)=${\($0):-}\"" }.joined(separator: "; ") + ")",
            "echo @@machine-id; cat /etc/machine-id",
            "echo @@users; getent passwd | cut -d: -f1,3,4,6,7",
            "echo @@nodes",
        ]
        for path in paths {
            let quoted = Shell.quoted(path)
            lines.append("if [ -L \(quoted) ]; then echo \(Shell.quoted(path + "\t"))\"link -> $(readlink \(quoted))\"; "
                         + "elif [ -d \(quoted) ]; then echo \(Shell.quoted(path + "\tdirectory")); "
                         + "elif [ -f \(quoted) ]; then echo \(Shell.quoted(path + "\t"))\"$(sha256sum < \(quoted) | cut -d' ' -f1)\"; "
                         + "else echo \(Shell.quoted(path + "\tmissing")); fi")
        }
        lines += [
            "echo @@enabled; systemctl list-unit-files --state=enabled --no-legend --plain | awk '{print $1}'",
            "echo @@failed; systemctl list-units --state=failed --no-legend --plain | awk '{print $1}'",
            "echo @@end",
        ]
        return lines.joined(separator: "\n")
    }

    /// Reads the script's output; `installed` is the status command's, when there is one.
    /// - Throws: `BuildMetadataError` (source `machine`) naming a missing section.
    public static func parse(_ output: String, installed: UpdateStatus?, machine: String) throws(BuildMetadataError) -> MachineState {
        var sections: [String: [String]] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("@@") {
                current = String(line.dropFirst(2))
                sections[current!] = []
            } else if let current, !line.isEmpty {
                sections[current, default: []].append(line)
            }
        }
        for name in ["boot-id", "os-release", "machine-id", "users", "nodes", "enabled", "failed", "end"] where sections[name] == nil {
            throw BuildMetadataError(source: machine, message: "the state probe's output has no \(name) section (was it cut short?)")
        }
        var osRelease: [String: String] = [:]
        for line in sections["os-release"] ?? [] {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = String(line[line.index(after: equals)...])
            if !value.isEmpty { osRelease[String(line[..<equals])] = value }
        }
        var nodes: [String: String] = [:]
        for line in sections["nodes"] ?? [] {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            nodes[String(line[..<tab])] = String(line[line.index(after: tab)...])
        }
        return MachineState(bootID: sections["boot-id"]?.first ?? "", osRelease: osRelease,
                            machineID: sections["machine-id"]?.first ?? "", users: sections["users"] ?? [],
                            ignitionNodes: nodes, enabledUnits: sections["enabled"] ?? [], failedUnits: sections["failed"] ?? [],
                            installed: installed)
    }
}
