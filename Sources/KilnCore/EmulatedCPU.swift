/// The CPU a guest sees under TCG: QEMU's `qemu64` (an AMD-vendor baseline x86-64) with the
/// x86-64-v2 features on top, which Red Hat Enterprise Linux 9-based images require.
///
/// Not `max`: with it (and with Intel models such as Nehalem) the guest kernel enables its
/// Meltdown and Spectre mitigations, page-table isolation among them, which TCG pays for on
/// every system call. Measured on the reference guest, QEMU start to login prompt, one run each
/// on the same idle 2-CPU host: `max` 69.6, 72.1 and 70 s; `max,la57=off` 68.0 s; Nehalem
/// 72.1 s; Haswell-noTSX 67.5 s; `qemu64` 55.4, 46.9 and 42.8 s; this model 44.3 s.
public enum EmulatedCPU {
    public static let model = "qemu64"
    /// x86-64-v2 beyond qemu64: SSSE3, SSE4.1, SSE4.2, POPCNT, CMPXCHG16B.
    public static let features = ["ssse3", "sse4.1", "sse4.2", "popcnt", "cx16"]

    /// `-cpu`'s value for QEMU.
    public static var qemuArgument: String {
        ([model] + features.map { "+\($0)" }).joined(separator: ",")
    }
}
