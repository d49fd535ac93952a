/// The shell script Kiln runs in a machine (as root) to read its ``MachineState``, and the
/// parser of its output: one round trip, sections marked `@@name`.
public enum MachineStateProbe {
    /// The script (bash); `paths` are the Ignition-written paths to fingerprint. A section whose
    /// command fails is marked `@@probe-error <section>` and the script exits 1, so that a
    /// state that could not be read is never taken for an empty one.
    /// `systemdDirectory` is where enablement symlinks are read (tests point it elsewhere).
    public static func script(paths: [String], systemdDirectory: String = "/etc/systemd") -> String {
        var lines = [
            "set -o pipefail",
            "rc=0",
            "failed() { echo \"@@probe-error $1\"; echo \"kiln state probe: reading $1 failed\" >&2; rc=1; }",
            "echo @@boot-id; cat /proc/sys/kernel/random/boot_id || failed boot-id",
            "echo @@os-release; (. /etc/os-release && " + MachineState.versionKeys.map { "echo \"\($0)=${\($0):-}\"" }.joined(separator: " && ")
                + ") || failed os-release",
            "echo @@machine-id; cat /etc/machine-id || failed machine-id",
            "echo @@users; getent passwd | cut -d: -f1,3,4,6,7 || failed users",
            "echo @@nodes",
        ]
        for path in paths {
            let quoted = Shell.quoted(path)
            lines.append("if [ -L \(quoted) ]; then echo \(Shell.quoted(path + "\t"))\"link -> $(readlink \(quoted))\"; "
                         + "elif [ -d \(quoted) ]; then echo \(Shell.quoted(path + "\tdirectory")); "
                         + "elif [ -f \(quoted) ]; then sum=$(sha256sum < \(quoted)) && echo \(Shell.quoted(path + "\t"))\"${sum%% *}\" || failed nodes; "
                         + "else echo \(Shell.quoted(path + "\tmissing")); fi")
        }
        lines += [
            // Enablement as the file system has it (systemctl list-unit-files asks systemd, which
            // under TCG and load can take longer than D-Bus's 25 s): every symlink below
            // /etc/systemd, i.e. enabled units (`multi-user.target.wants/x.service -> ...`) and masks.
            "echo @@enabled; (cd \(Shell.quoted(systemdDirectory)) && find . -type l -printf '%P -> %l\\n' | sort) || failed enabled",
            // Failed units only when systemd says the system is degraded; asked again when D-Bus times out.
            "echo @@failed; if [ \"$(systemctl is-system-running)\" = degraded ]; then "
                + "ok=; for try in 1 2 3; do if units=$(systemctl list-units --state=failed --no-legend --plain --no-pager); "
                + "then ok=1; break; fi; [ $try = 3 ] || sleep 5; done; "
                + "if [ -n \"$ok\" ]; then printf '%s\\n' \"$units\" | awk 'NF {print $1}'; else failed failed; fi; fi",
            "echo @@end",
            "exit $rc",
        ]
        return lines.joined(separator: "\n")
    }

    /// Reads the script's output; `installed` is the status command's, when there is one.
    /// - Throws: `BuildMetadataError` (source `machine`) naming a missing section.
    public static func parse(_ output: String, installed: UpdateStatus?, machine: String) throws(BuildMetadataError) -> MachineState {
        var sections: [String: [String]] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("@@probe-error ") {
                throw BuildMetadataError(source: machine, message: "the state probe could not read \(line.dropFirst(14))")
            }
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
