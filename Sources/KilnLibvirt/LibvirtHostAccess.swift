public import Foundation
public import KilnCore
public import KilnPlatform

/// How Kiln reaches the files and loopback ports of the host a libvirt daemon runs on: directly
/// when it is this machine (``LocalHostAccess``), over SSH when it is another
/// (``SSHHostAccess``). The platform builds each machine's files (overlay, UEFI variables,
/// extra disks, Ignition config) with shell commands run through it, so both kinds of host take
/// the same path.
public protocol LibvirtHostAccess: Sendable {
    /// The host as logs and errors name it: `this machine`, or an SSH destination.
    var name: String { get }
    /// Whether the host is this machine: the artifacts directory is then visible to QEMU, and
    /// the guest's SSH port is on this machine's loopback.
    var isLocal: Bool { get }
    /// Runs `script` with `sh -c` on the host and returns its standard output.
    /// - Throws: ``HostCommandError`` with its standard error when it fails.
    @discardableResult func run(_ script: String) async throws -> String
    /// Writes `contents` to `path` on the host (mode 0600).
    func write(_ contents: Data, to path: String) async throws
    /// A file of the build (its image, kernel or initramfs) as a path on the host; `sha256` is
    /// its verified digest. A remote host keeps one copy per digest, named `<sha256><suffix>`.
    func buildFile(at path: String, sha256: String, suffix: String) async throws -> String
    /// A port on this machine's loopback that reaches `port` on the host's loopback.
    func forward(port: Int) async throws -> HostPortForward
    /// A unix socket at `remotePath` on the host whose connections reach the stream socket
    /// `localPath` here (for a private network's hub); the host must be remote.
    func forwardSocket(_ remotePath: String, to localPath: String) async throws -> HostPortForward
    /// Keeps `localPath` a copy of the growing file `path` on the host until stopped; nil when
    /// the host is this machine (QEMU writes `localPath` itself).
    func mirror(_ path: String, to localPath: String) async throws -> HostFileMirror?
    /// Ends what the access holds open (an SSH connection).
    func close() async
}

/// A forwarded port, given back with ``cancel()``.
public struct HostPortForward: Sendable {
    /// The port to connect to on 127.0.0.1 here.
    public let localPort: Int
    let onCancel: @Sendable () async -> Void

    public init(localPort: Int, onCancel: @escaping @Sendable () async -> Void = {}) {
        self.localPort = localPort
        self.onCancel = onCancel
    }

    public func cancel() async { await onCancel() }
}

/// A host command that failed.
public struct HostCommandError: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var what: String
    public var status: ProcessExitStatus
    public var stderr: String

    public var description: String {
        let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(what) on \(host) failed (\(status))\(detail.isEmpty ? "" : ": \(detail)")"
    }
}

extension LibvirtHostAccess {
    /// The build's image as a path on the host; `sha256` is its verified digest.
    public func image(at path: String, sha256: String) async throws -> String {
        try await buildFile(at: path, sha256: sha256, suffix: ".qcow2")
    }

    /// The kernel and initramfs of `boot` as paths on the host, each copied and verified as
    /// the image is; the command line is kept.
    /// - Throws: `MachineError.setupFailed` when the host is remote and a digest is unknown.
    public func directKernelBoot(_ boot: DirectKernelBoot, machine: String) async throws -> DirectKernelBoot {
        if isLocal { return boot }
        guard let kernelSHA256 = boot.kernelSHA256, let initramfsSHA256 = boot.initramfsSHA256 else {
            throw MachineError.setupFailed(machine: machine, "direct kernel boot on \(name) needs the sha256 of the kernel and the initramfs, to verify their copies there")
        }
        var copied = boot
        copied.kernelPath = try await buildFile(at: boot.kernelPath, sha256: kernelSHA256, suffix: ".kernel")
        copied.initramfsPath = try await buildFile(at: boot.initramfsPath, sha256: initramfsSHA256, suffix: ".initramfs")
        return copied
    }
}

extension LibvirtHostAccess {
    /// The first OVMF firmware installed on the host, or nil.
    public func uefiFirmware() async throws -> UEFIFirmware? {
        let tests = UEFIFirmware.candidates.map {
            "if [ -r \(Shell.quoted($0.code)) ] && [ -r \(Shell.quoted($0.variablesTemplate)) ]; then echo \(Shell.quoted($0.code)); exit 0; fi"
        }
        let code = try await run(tests.joined(separator: "; ")).trimmingCharacters(in: .whitespacesAndNewlines)
        return UEFIFirmware.candidates.first { $0.code == code }
    }
}

extension LibvirtHostAccess {
    /// What the host offers for KVM, read there as `HostProbe` reads this machine.
    public func virtualization() async throws -> HostVirtualization {
        let output = try await run(
            "grep -m1 '^flags' /proc/cpuinfo; echo ---; ls /sys/module | grep '^kvm' || true; echo ---; "
                + "if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then echo opens; fi")
        let sections = output.components(separatedBy: "---\n")
        return HostVirtualization(
            cpuFlags: HostVirtualization.cpuFlags(fromCPUInfo: sections.first ?? ""),
            kvmDeviceOpens: sections.count > 2 && sections[2].contains("opens"),
            kvmModules: sections.count > 1 ? sections[1].split(separator: "\n").map(String.init).sorted() : [])
    }
}
