import Foundation
import KilnCore
public import KilnPlatform

extension LoadedBuild {
    /// The argument that makes Ignition run, which the disk's first boot entry carries and a
    /// direct kernel boot must give itself (the reference guest's boot loader entry has it;
    /// Fedora CoreOS's GRUB adds it on the first boot). The guest removes it from its boot
    /// loader entries once the first boot is complete, but a directly booted machine gets the
    /// same command line on every boot: if a test reboots it, Ignition runs again.
    public static let ignitionFirstBootArgument = "ignition.firstboot"

    /// The build's own kernel and initramfs (`images.kernel`, `images.initramfs`), each checked
    /// against its size and sha256 in `meta.json` as the image is, booted with the build's
    /// `kiln.kernel-args`, `ignition.firstboot` and then `extraArguments`.
    /// - Throws: `BuildMetadataError` naming `meta.json` and the missing key, or the file that
    ///   does not match.
    public func directKernelBoot(extraArguments: [String] = []) throws -> DirectKernelBoot {
        func artifact(_ name: String) throws -> (path: String, sha256: String) {
            guard let artifact = metadata.images[name] else {
                throw BuildMetadataError(source: metaPath, message: "no \"images.\(name)\": direct kernel boot needs the build's kernel and initramfs (images.kernel, images.initramfs)")
            }
            let directory = (metaPath as NSString).deletingLastPathComponent
            let path = ((artifact.path.hasPrefix("/") ? artifact.path : "\(directory)/\(artifact.path)") as NSString).standardizingPath
            let check = BuildArtifactCheck(path: path, artifact: artifact)
            if let error = check.error(metaPath: metaPath, name: name, path: path, artifact: artifact) { throw error }
            return (path, artifact.sha256.lowercased())
        }
        let kernel = try artifact("kernel")
        let initramfs = try artifact("initramfs")
        guard let arguments = metadata.kernelArguments?.trimmingCharacters(in: .whitespaces), !arguments.isEmpty else {
            throw BuildMetadataError(source: metaPath, message: "no \"kiln.kernel-args\": direct kernel boot needs the kernel command line the build's boot loader entry has (root=..., console=...)")
        }
        let firstBoot = arguments.split(separator: " ").contains { $0 == Self.ignitionFirstBootArgument }
            ? [] : [Self.ignitionFirstBootArgument]
        return DirectKernelBoot(kernelPath: kernel.path, initramfsPath: initramfs.path, commandLine: arguments,
                                kernelSHA256: kernel.sha256, initramfsSHA256: initramfs.sha256)
            .appending(firstBoot + extraArguments)
    }
}
