import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

/// `kiln run-upgrade` refusing bad input before anything boots: exit status 2, the file and
/// field at fault, no output directory. Tiny fake builds stand in for real ones.
struct UpgradeCLITests {
    let root = NSTemporaryDirectory() + "kiln-cli-upgrade-\(UUID().uuidString)"
    var builds: String { "\(root)/builds" }

    static let bytes = "fake bytes\n"
    /// sha256 of `bytes`.
    static let sha256 = "084c9057c542ebbe1a1b0a050d59f6d369f010bbf4d9291defe0aef35a7cb45f"

    /// `builds/<version>/x86_64` with a fake image and, unless `update` is false, a fake payload
    /// (whose recorded sha256 is `payloadSHA256`).
    func makeBuild(_ version: String, parent: String? = nil, update: Bool = true, payloadSHA256: String? = nil) throws {
        let directory = "\(builds)/\(version)/x86_64"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let actual = Self.sha256
        for file in ["image.qcow2", "update.tar.zst"] { try Self.bytes.write(toFile: "\(directory)/\(file)", atomically: true, encoding: .utf8) }
        let updateJSON = update ? """
            , "update": {"path": "update.tar.zst", "sha256": "\(payloadSHA256 ?? actual)", "size": 11}},
            "kiln.update": {"artifact": "update", "guest-path": "/var/tmp/u", "command": "sudo apply /var/tmp/u"}
            """ : "}"
        let meta = """
            {"buildid": "\(version)", "name": "kiln-reference", "coreos-assembler.basearch": "x86_64",
             \(parent.map { "\"fedora-coreos.parent-version\": \"\($0)\"," } ?? "")
             "images": {"qemu": {"path": "image.qcow2", "sha256": "\(actual)", "size": 11}\(updateJSON)}
            """
        try meta.write(toFile: "\(directory)/meta.json", atomically: true, encoding: .utf8)
    }

    func kiln(_ arguments: [String]) async throws -> (status: ProcessExitStatus, stderr: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable,
                                              ["run-upgrade", "--workdir", "\(root)/work", "--output-dir", "\(root)/out"] + arguments)
        return (result.status, result.stderr)
    }

    @Test func badInputIsRefusedWithTheCauseAndNothingIsCreated() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeBuild("12.1")
        try makeBuild("12.2", parent: "12.1")
        try makeBuild("12.3", parent: "12.2", update: false)
        try makeBuild("12.4", parent: "12.3", payloadSHA256: String(repeating: "0", count: 64))
        let meta = { (version: String) in "\(builds)/\(version)/x86_64/meta.json" }
        let cases: [([String], String)] = [
            (["--build", "\(builds)/12.3"], "\(meta("12.3")): no \"kiln.update\": the build does not say how a machine is updated to it"),
            (["--build", "\(builds)/12.4"], "\(meta("12.4")): images.update.sha256"),
            (["--build", "\(builds)/12.2", "--from", "12.3"], "\(meta("12.3")): build 12.3 does not sort before 12.2"),
            (["--build", "\(builds)/12.1"], "12.1 names no parent version in its meta.json, and there is no release index"),
            (["--build", "\(builds)/12.2", "--from", "12.9"], "build 12.9 is in neither \(builds) nor"),
            (["--build", "\(builds)/12.2", "--expect", "sideways"], "--expect must be update or rollback, got 'sideways'"),
            (["--build", "\(builds)/12.2", "upgrade.nope"], "'upgrade.nope' matches no upgrade test"),
            (["--build", "\(builds)/12.2", "--matrix"], "and no \(builds)/builds.json"),
        ]
        for (arguments, message) in cases {
            let (status, stderr) = try await kiln(arguments)
            #expect(status == .exited(2), "\(arguments): \(stderr)")
            #expect(stderr.contains(message), "\(arguments): \(stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/out"), "\(arguments) created the output directory")
        }
    }
}
