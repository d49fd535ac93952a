import Foundation
public import KilnCore

/// The `ssh-config` (and `known_hosts`) Kiln writes next to a machine's artifacts, so that
/// `ssh -F <dir>/ssh-config <host>` logs in while the machine runs, with the host key Kiln verified.
public enum SSHConfigFile {
    /// Writes `<machine's directory>/ssh-config` for the machine `report` describes, logging in
    /// with `identityFile`. Returns the file and the `Host` to name (`m0` for `<test>-m0`), or nil
    /// when the machine has no SSH address yet.
    @discardableResult
    public static func write(for report: MachineReport, identityFile: String) -> (path: String, host: String)? {
        guard let address = report.sshAddress, let colon = address.lastIndex(of: ":") else { return nil }
        let host = host(of: report.id)
        let directory = URL(fileURLWithPath: report.directory).standardizedFileURL.path
        var text = """
            # ssh -F \(directory)/ssh-config \(host)   (valid while the machine runs)
            Host \(host) \(report.id)
              HostName \(address[..<colon])
              Port \(address[address.index(after: colon)...])
              User \(report.sshUser ?? "core")
              IdentityFile \(identityFile)
              IdentitiesOnly yes

            """
        if let key = report.hostKey {
            let knownHosts = "\(directory)/known_hosts"
            try? "[\(address[..<colon])]:\(address[address.index(after: colon)...]) \(key)\n"
                .write(toFile: knownHosts, atomically: true, encoding: .utf8)
            text += "  UserKnownHostsFile \(knownHosts)\n  StrictHostKeyChecking yes\n"
        }
        let path = "\(directory)/ssh-config"
        guard (try? text.write(toFile: path, atomically: true, encoding: .utf8)) != nil else { return nil }
        return (path, host)
    }

    /// The short `Host` of a machine's config: the last part of its id (`m0` for `basic.ssh-m0`).
    public static func host(of machineID: String) -> String {
        machineID.split(separator: "-").last.map(String.init) ?? machineID
    }
}
