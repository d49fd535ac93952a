import Foundation
import KilnPlatform

/// Local libvirt daemons for integration tests, started through `harness/libvirtd` (which runs
/// them under a reaper, as this project's hosts need): instance 1 is `qemu:///system`, instance
/// 2 an independent pair in a mount namespace of its own, as a second "host"; instance 3 is
/// started with `--remote`, a remote host reached only over SSH (`qemu+ssh://kiln-host-3/system`).
public enum LibvirtDaemon {
    /// Why libvirt tests cannot run here, or nil.
    public static var unavailableReason: String? {
        findExecutable("libvirtd") == nil ? "libvirtd is not installed (harness/setup installs it)" : nil
    }

    /// The connection URI of `instance`.
    public static func uri(instance: Int = 1) -> String {
        if instance == remoteInstance { return "qemu+ssh://\(remoteHost)/system" }
        return instance == 1 ? "qemu:///system" : "qemu+unix:///system?socket=/run/kiln-libvirtd-\(instance)/libvirt-sock"
    }

    /// The instance that is a remote host, and its ssh alias.
    public static let remoteInstance = 3
    public static let remoteHost = "kiln-host-3"

    /// Starts the instance's virtlogd and libvirtd unless they run; idempotent.
    public static func ensureRunning(instance: Int = 1) async throws {
        let remote = instance == remoteInstance ? ["--remote"] : []
        let result = try await runHostCommand("\(Fixtures.repositoryRoot)/harness/libvirtd", ["start", "--instance", "\(instance)"] + remote)
        guard result.status.succeeded else {
            throw TestSupportError("harness/libvirtd start --instance \(instance) failed: \(result.stdout)\(result.stderr)")
        }
    }

    /// Kills the instance's libvirtd with SIGKILL, as a crashing host would go; returns its pid.
    @discardableResult
    public static func killDaemon(instance: Int) throws -> Int32 {
        let pidFile = instance == 1 ? "/run/libvirtd.pid" : "/run/kiln-libvirtd-\(instance)/libvirtd.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, SIGKILL) == 0
        else { throw TestSupportError("no libvirtd to kill for instance \(instance) (\(pidFile))") }
        return pid
    }
}

extension LibvirtDaemon {
    /// Runs `script` on the remote host (instance 3) over ssh; returns its output.
    public static func onRemoteHost(_ script: String) async throws -> String {
        let result = try await runHostCommand("ssh", [remoteHost, "--", script])
        guard result.status.succeeded else {
            throw TestSupportError("ssh \(remoteHost) \(script): \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}
