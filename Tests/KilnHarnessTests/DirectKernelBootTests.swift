import Foundation
import KilnCore
import KilnPlatform
import Testing

@testable import KilnHarness

/// A build's direct kernel boot: its kernel and initramfs checked against meta.json, its
/// `kiln.kernel-args` with `ignition.firstboot` (which the disk's first boot entry has) and the
/// extra arguments after them.
struct DirectKernelBootTests {
    @Test func theCommandLineIsTheBuildsThenIgnitionsFirstBootThenTheExtraArguments() throws {
        let root = NSTemporaryDirectory() + "kiln-kboot-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let files = [("image.qcow2", "fake qcow2 image bytes\n", "2090339ddbf25f562303bda54ad0c6dd5d0dc21dc4216328810e0a882921fa53"),
                     ("kernel", "fake kernel bytes\n", "b29be84bdecbb915f70659e08ba51472d05746b011b8acf965f49e94ff22d5b5"),
                     ("initramfs.img", "fake initramfs bytes\n", "94bab1e24e010c8d0ff546e60a1c5044daac2b3d75272da1c29211b925928f26")]
        for (name, content, _) in files { try content.write(toFile: "\(root)/\(name)", atomically: true, encoding: .utf8) }
        let images = zip(["qemu", "kernel", "initramfs"], files).map { key, file in
            "\"\(key)\": {\"path\": \"\(file.0)\", \"sha256\": \"\(file.2)\", \"size\": \(file.1.utf8.count)}"
        }
        try """
            {"buildid": "12.1", "name": "kiln-reference", "coreos-assembler.basearch": "x86_64", "kiln.firmware": "uefi",
             "images": {\(images.joined(separator: ", "))}, "kiln.kernel-args": "root=PARTLABEL=root-a rw console=ttyS0 "}
            """.write(toFile: "\(root)/meta.json", atomically: true, encoding: .utf8)
        let build = try LoadedBuild.load(from: root)
        let boot = try build.directKernelBoot(extraArguments: ["kiln.test=1", "quiet"])
        #expect(boot == DirectKernelBoot(kernelPath: "\(root)/kernel", initramfsPath: "\(root)/initramfs.img",
                                         commandLine: "root=PARTLABEL=root-a rw console=ttyS0 ignition.firstboot kiln.test=1 quiet",
                                         kernelSHA256: files[1].2, initramfsSHA256: files[2].2))
        #expect(try build.directKernelBoot().commandLine == "root=PARTLABEL=root-a rw console=ttyS0 ignition.firstboot")
        #expect(boot.appending([]).commandLine == boot.commandLine)
    }
}
