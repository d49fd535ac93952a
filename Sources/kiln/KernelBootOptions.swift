import ArgumentParser
import KilnHarness
import KilnPlatform

/// `--direct-kernel-boot` and `--kargs`, shared by `kiln run` and `kiln spawn`: how the build's
/// machines boot and what their kernel is given beyond the build's own arguments.
struct KernelBootOptions: ParsableArguments {
    @Flag(help: "Boot the build's kernel and initramfs (images.kernel, images.initramfs in meta.json, sha256 checked) with its kiln.kernel-args instead of the disk's boot loader.")
    var directKernelBoot = false

    @Option(name: .customLong("kargs"), help: "Extra kernel arguments (space-separated; repeatable): with --direct-kernel-boot appended to the kernel command line; otherwise (kiln spawn only) given to Ignition's kernelArguments, refused for builds whose Ignition does not apply them.")
    var kernelArguments: [String] = []

    /// `--kargs` split into single arguments.
    var extraArguments: [String] {
        kernelArguments.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }

    /// The direct kernel boot `build`'s machines get, with `--kargs` on its command line; nil
    /// without `--direct-kernel-boot`.
    /// - Throws: `BuildMetadataError` when the build has no kernel, initramfs or
    ///   `kiln.kernel-args`, or a file does not match `meta.json`.
    func directKernelBoot(for build: LoadedBuild) throws -> DirectKernelBoot? {
        guard directKernelBoot else { return nil }
        return try build.directKernelBoot(extraArguments: extraArguments)
    }

    /// The options written back out (see `CommandLineWords`).
    func write(to line: inout CommandLineWords) {
        line.flag("direct-kernel-boot", directKernelBoot)
        line.options("kargs", kernelArguments)
    }
}
