import Foundation
import KilnPlatform

/// The local libvirt daemon for integration tests, started through `harness/libvirtd` (which
/// runs it under a reaper, as this project's hosts need).
public enum LibvirtDaemon {
    /// Why libvirt tests cannot run here, or nil.
    public static var unavailableReason: String? {
        findExecutable("libvirtd") == nil ? "libvirtd is not installed (harness/setup installs it)" : nil
    }

    /// Starts virtlogd and libvirtd unless they run; idempotent.
    public static func ensureRunning() async throws {
        let result = try await runHostCommand("\(Fixtures.repositoryRoot)/harness/libvirtd", ["start"])
        guard result.status.succeeded else {
            throw TestSupportError("harness/libvirtd start failed: \(result.stdout)\(result.stderr)")
        }
    }
}
