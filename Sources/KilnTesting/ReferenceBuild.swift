import Foundation

/// Where the integration tests find the reference guest that `harness/build-image` builds.
public enum ReferenceBuild {
    /// `$KILN_BUILD`, else `<repo>/.work/builds` (the default of harness/build-image).
    public static var path: String {
        ProcessInfo.processInfo.environment["KILN_BUILD"] ?? "\(Fixtures.repositoryRoot)/.work/builds"
    }

    /// Why the integration tests cannot boot a guest here, or nil when they can. Printed as the
    /// reason when they are skipped.
    public static var unavailableReason: String? {
        if !FileManager.default.fileExists(atPath: "\(path)/builds.json")
            && !FileManager.default.fileExists(atPath: "\(path)/meta.json")
        {
            return "no reference guest build at \(path): run harness/build-image (or set KILN_BUILD)"
        }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-system-x86_64") {
            return "qemu-system-x86_64 is not installed: run harness/setup"
        }
        return nil
    }

    /// The `kiln` executable built next to the test bundle.
    public static var kilnExecutable: String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("kiln").path) {
            url.deleteLastPathComponent()
        }
        let candidate = url.appendingPathComponent("kiln").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return "\(Fixtures.repositoryRoot)/.build/debug/kiln"
    }
}
