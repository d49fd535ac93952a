import Foundation
import KilnCore
import KilnPlatform
import KilnTesting
import Testing

/// `kiln run --direct-kernel-boot` and `kiln spawn --direct-kernel-boot` refusing a build they
/// cannot boot that way: exit status 2, the meta.json and the missing key or bad file named,
/// nothing created (no output directory, no work directory).
struct DirectKernelBootCLITests {
    static let image = (name: "fake-qemu.x86_64.qcow2", content: "fake qcow2 image bytes\n",
                        sha256: "2090339ddbf25f562303bda54ad0c6dd5d0dc21dc4216328810e0a882921fa53")
    static let kernel = (name: "fake-kernel.x86_64", content: "fake kernel bytes\n",
                         sha256: "b29be84bdecbb915f70659e08ba51472d05746b011b8acf965f49e94ff22d5b5")
    static let initramfs = (name: "fake-initramfs.x86_64.img", content: "fake initramfs bytes\n",
                            sha256: "94bab1e24e010c8d0ff546e60a1c5044daac2b3d75272da1c29211b925928f26")

    let root = NSTemporaryDirectory() + "kiln-cli-kboot-\(UUID().uuidString)"

    /// Runs the built `kiln`; returns its status and what it printed.
    func kiln(_ arguments: [String]) async throws -> (status: ProcessExitStatus, said: String) {
        let result = try await runHostCommand(ReferenceBuild.kilnExecutable, arguments + ["--workdir", "\(root)/work"])
        return (result.status, result.stdout + result.stderr)
    }

    /// A build's `meta.json` with its image and the given `images` entries and keys; the files
    /// themselves are written with the contents above.
    func makeBuild(kernel: Bool, initramfs: Bool, kernelArgs: String?, kernelSHA256: String = kernel.sha256) throws -> String {
        let directory = "\(root)/build"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var images = [#""qemu": {"path": "\#(Self.image.name)", "sha256": "\#(Self.image.sha256)", "size": 23}"#]
        try Self.image.content.write(toFile: "\(directory)/\(Self.image.name)", atomically: true, encoding: .utf8)
        if kernel {
            images.append(#""kernel": {"path": "\#(Self.kernel.name)", "sha256": "\#(kernelSHA256)", "size": 18}"#)
            try Self.kernel.content.write(toFile: "\(directory)/\(Self.kernel.name)", atomically: true, encoding: .utf8)
        }
        if initramfs {
            images.append(#""initramfs": {"path": "\#(Self.initramfs.name)", "sha256": "\#(Self.initramfs.sha256)", "size": 21}"#)
            try Self.initramfs.content.write(toFile: "\(directory)/\(Self.initramfs.name)", atomically: true, encoding: .utf8)
        }
        let args = kernelArgs.map { #", "kiln.kernel-args": "\#($0)""# } ?? ""
        let meta = """
            {"buildid": "12.1", "name": "kiln-reference", "coreos-assembler.basearch": "x86_64", "kiln.firmware": "uefi",
             "images": {\(images.joined(separator: ", "))}\(args)}
            """
        try meta.write(toFile: "\(directory)/meta.json", atomically: true, encoding: .utf8)
        return "\(directory)/meta.json"
    }

    /// Each command refuses the build with `expected` in its message and creates nothing.
    func expectRefusal(_ meta: String, _ expected: String, extra: [String] = []) async throws {
        let commands: [[String]] = [
            ["run", "--direct-kernel-boot", "--build", meta, "--output-dir", "\(root)/out", "basic.ssh"] + extra,
            ["spawn", "--direct-kernel-boot", "--build", meta] + extra,
        ]
        for command in commands {
            let (status, said) = try await kiln(command)
            #expect(status == .exited(2), "kiln \(command): \(said)")
            #expect(said == "kiln: error: \(meta): \(expected)\n", "kiln \(command)")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/out"), "kiln \(command) created its output directory")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/work"), "kiln \(command) created its work directory")
        }
    }

    @Test func aBuildWithoutKernelOrInitramfsIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let noKernel = try makeBuild(kernel: false, initramfs: true, kernelArgs: "root=PARTLABEL=root-a console=ttyS0")
        try await expectRefusal(noKernel, "no \"images.kernel\": direct kernel boot needs the build's kernel and initramfs (images.kernel, images.initramfs)")
        let noInitramfs = try makeBuild(kernel: true, initramfs: false, kernelArgs: "root=PARTLABEL=root-a console=ttyS0")
        try FileManager.default.removeItem(atPath: "\(root)/build/\(Self.initramfs.name)")
        try await expectRefusal(noInitramfs, "no \"images.initramfs\": direct kernel boot needs the build's kernel and initramfs (images.kernel, images.initramfs)",
                                extra: ["--kargs", "kiln.test=1"])
    }

    @Test func aBuildWithoutKernelArgumentsOrWithAReplacedKernelIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let noArgs = try makeBuild(kernel: true, initramfs: true, kernelArgs: nil)
        try await expectRefusal(noArgs, "no \"kiln.kernel-args\": direct kernel boot needs the kernel command line the build's boot loader entry has (root=..., console=...)")
        let wrong = String(repeating: "0", count: 64)
        let replaced = try makeBuild(kernel: true, initramfs: true, kernelArgs: "console=ttyS0", kernelSHA256: wrong)
        try await expectRefusal(replaced, "images.kernel.sha256: expected \(wrong), but \(root)/build/\(Self.kernel.name) has \(Self.kernel.sha256): refusing a corrupt or replaced image")
    }

    @Test func runTakesKernelArgumentsOnlyWithDirectKernelBoot() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let meta = try makeBuild(kernel: true, initramfs: true, kernelArgs: "console=ttyS0")
        let (status, said) = try await kiln(["run", "--kargs", "kiln.test=1", "--build", meta, "--output-dir", "\(root)/out", "basic.ssh"])
        #expect(status == .exited(2))
        #expect(said.hasPrefix("kiln: error: --kargs needs --direct-kernel-boot in kiln run"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: "\(root)/out") && !FileManager.default.fileExists(atPath: "\(root)/work"))
    }

    @Test func testsThatRebootAreSkippedWithTheReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let meta = try makeBuild(kernel: true, initramfs: true, kernelArgs: "console=ttyS0")
        // ignition.reboot is the only test selected: nothing boots, the run reports the skip.
        let (status, said) = try await kiln(["run", "--direct-kernel-boot", "--build", meta, "--output-dir", "\(root)/out", "ignition.reboot"])
        #expect(status == .exited(0), "\(said)")
        let report = try JSONDocument(parsing: String(contentsOfFile: "\(root)/out/report.json", encoding: .utf8)).value
        let test = try #require(report["tests"]?.arrayValue?.first)
        #expect(test["name"] == "ignition.reboot" && test["result"] == "SKIP")
        #expect(test["error"]?.stringValue == DirectKernelBoot.rebootRefusal)
    }
}
