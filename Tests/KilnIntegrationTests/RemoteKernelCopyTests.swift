import Foundation
import KilnCore
import KilnHarness
import KilnLibvirt
import KilnPlatform
import KilnTesting
import Logging
import Testing

extension IntegrationTests {
    /// A remote libvirt host (instance 3, `kiln-host-3`) gets the build's kernel and initramfs
    /// for direct kernel boot as it gets the image: copied once per digest into
    /// `/var/tmp/kiln-libvirt/images/` and checked there with sha256sum; a copy that does not
    /// match is refused and removed. No machine boots.
    @Suite(.enabled(if: LibvirtDaemon.unavailableReason == nil, Comment(rawValue: LibvirtDaemon.unavailableReason ?? "")))
    struct RemoteKernelCopy {
        @Test(.timeLimit(.minutes(5)))
        func theKernelAndInitramfsAreCopiedOnceAndVerified() async throws {
            try await LibvirtDaemon.ensureRunning(instance: LibvirtDaemon.remoteInstance)
            let build = try LoadedBuild.load(from: ReferenceBuild.path)
            let boot = try build.directKernelBoot(extraArguments: ["kiln.test=1"])
            let access = try await SSHHostAccess(destination: LibvirtDaemon.remoteHost, logger: Logger(label: "test"))
            do {
                let copied = try await access.directKernelBoot(boot, machine: "m0")
                let directory = SSHHostAccess.imageDirectory
                #expect(copied.kernelPath == "\(directory)/\(boot.kernelSHA256 ?? "").kernel")
                #expect(copied.initramfsPath == "\(directory)/\(boot.initramfsSHA256 ?? "").initramfs")
                #expect(copied.commandLine == boot.commandLine)
                let sums = try await LibvirtDaemon.onRemoteHost("sha256sum \(copied.kernelPath) \(copied.initramfsPath)")
                #expect(sums == "\(boot.kernelSHA256 ?? "")  \(copied.kernelPath)\n\(boot.initramfsSHA256 ?? "")  \(copied.initramfsPath)\n")
                // Again (another machine of the run): the same verified copies.
                #expect(try await access.directKernelBoot(boot, machine: "m1") == copied)

                // A kernel that is not what its digest says is refused, and no copy is left.
                var wrong = boot
                wrong.kernelSHA256 = String(repeating: "0", count: 64)
                await #expect {
                    _ = try await access.directKernelBoot(wrong, machine: "m2")
                } throws: { error in
                    "\(error)".contains("the copy's sha256 is not \(String(repeating: "0", count: 64))")
                }
                let left = try await LibvirtDaemon.onRemoteHost("ls -A \(directory)")
                #expect(!left.contains(String(repeating: "0", count: 64)) && !left.contains(".copy-"), "\(left)")
                var unknown = boot
                unknown.initramfsSHA256 = nil
                await #expect(throws: MachineError.self) { _ = try await access.directKernelBoot(unknown, machine: "m3") }
            } catch {
                await access.close()
                throw error
            }
            await access.close()
        }
    }
}
