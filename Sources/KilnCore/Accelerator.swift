/// How QEMU runs guest code.
public enum Accelerator: String, Sendable, Equatable, Codable, CaseIterable {
    /// Hardware virtualisation through /dev/kvm.
    case kvm
    /// QEMU's software emulator: slow, but runs anywhere.
    case tcg
}

/// What the user asked for with `--accel`.
public enum AcceleratorRequest: String, Sendable, Equatable, CaseIterable {
    case auto, kvm, tcg
}

/// What Kiln knows about the host when choosing an accelerator.
public struct HostVirtualization: Sendable, Equatable {
    /// The CPU flags from /proc/cpuinfo.
    public var cpuFlags: Set<String>
    /// Whether /dev/kvm opens read-write.
    public var kvmDeviceOpens: Bool
    /// Loaded kernel modules whose names start with `kvm`.
    public var kvmModules: [String]

    public init(cpuFlags: Set<String>, kvmDeviceOpens: Bool, kvmModules: [String]) {
        self.cpuFlags = cpuFlags
        self.kvmDeviceOpens = kvmDeviceOpens
        self.kvmModules = kvmModules
    }

    /// Parses the `flags` line of /proc/cpuinfo text.
    public static func cpuFlags(fromCPUInfo text: String) -> Set<String> {
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// Picks the accelerator. A /dev/kvm that opens is not enough: a paravirtual `kvm-pvm`
    /// only runs PVM-enabled guest kernels and hangs stock ones, and its host CPU shows no
    /// vmx/svm flag. KVM is chosen only with a hardware virtualisation flag and no kvm_pvm.
    public func choose(_ request: AcceleratorRequest) -> (accelerator: Accelerator, reason: String) {
        let hasHardwareFlag = cpuFlags.contains("vmx") || cpuFlags.contains("svm")
        let pvm = kvmModules.contains { $0 == "kvm_pvm" }
        switch request {
        case .tcg:
            return (.tcg, "TCG requested")
        case .kvm:
            return (.kvm, "KVM requested")
        case .auto:
            if !kvmDeviceOpens { return (.tcg, "/dev/kvm cannot be opened") }
            if pvm { return (.tcg, "/dev/kvm is kvm-pvm, which hangs stock guest kernels") }
            if !hasHardwareFlag { return (.tcg, "the CPU shows no vmx/svm flag") }
            return (.kvm, "/dev/kvm opens and the CPU has \(cpuFlags.contains("vmx") ? "vmx" : "svm")")
        }
    }
}
