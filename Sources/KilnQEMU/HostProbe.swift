import Foundation
public import KilnCore

/// Reads what the host offers for virtualisation (the pure decision is `HostVirtualization.choose`).
public enum HostProbe {
    public static func virtualization() -> HostVirtualization {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        // /sys/module lists built-in modules too, which /proc/modules does not.
        let kvmModules = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/module")) ?? [])
            .filter { $0.hasPrefix("kvm") }.sorted()
        let fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        return HostVirtualization(cpuFlags: HostVirtualization.cpuFlags(fromCPUInfo: cpuinfo), kvmDeviceOpens: fd >= 0,
                                  kvmModules: kvmModules)
    }
}
