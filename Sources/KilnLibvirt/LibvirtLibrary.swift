import CLibvirt

/// The libvirt library Kiln is linked against. The libvirt backend (domains from XML, events,
/// several hosts) grows on this target; for now it proves the link and reports the version.
public enum LibvirtLibrary {
    /// libvirt's version as `major.minor.release`, e.g. `9.0.0`.
    public static var version: String {
        var packed: UInt = 0
        guard virGetVersion(&packed, nil, nil) == 0 else { return "unknown" }
        return "\(packed / 1_000_000).\(packed / 1000 % 1000).\(packed % 1000)"
    }
}
