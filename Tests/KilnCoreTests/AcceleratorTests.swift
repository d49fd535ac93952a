import Testing

@testable import KilnCore

struct AcceleratorTests {
    @Test func kvmPVMIsNotUsedEvenThoughDevKVMOpens() {
        let host = HostVirtualization(cpuFlags: ["fpu", "sse2"], kvmDeviceOpens: true, kvmModules: ["kvm", "kvm_pvm"])
        #expect(host.choose(.auto) == (.tcg, "/dev/kvm is kvm-pvm, which hangs stock guest kernels"))
    }

    @Test func realKVMNeedsTheDeviceAndAHardwareFlag() {
        let intel = HostVirtualization(cpuFlags: ["vmx"], kvmDeviceOpens: true, kvmModules: ["kvm", "kvm_intel"])
        #expect(intel.choose(.auto).accelerator == .kvm)
        let noDevice = HostVirtualization(cpuFlags: ["svm"], kvmDeviceOpens: false, kvmModules: [])
        #expect(noDevice.choose(.auto).accelerator == .tcg)
        let noFlag = HostVirtualization(cpuFlags: [], kvmDeviceOpens: true, kvmModules: ["kvm"])
        #expect(noFlag.choose(.auto) == (.tcg, "the CPU shows no vmx/svm flag"))
        #expect(noFlag.choose(.kvm).accelerator == .kvm)
        #expect(intel.choose(.tcg).accelerator == .tcg)
    }

    @Test func readsFlagsFromCPUInfo() {
        let text = "processor\t: 0\nflags\t\t: fpu vme vmx sse\nbugs\t\t: x\n"
        #expect(HostVirtualization.cpuFlags(fromCPUInfo: text) == ["fpu", "vme", "vmx", "sse"])
    }
}
