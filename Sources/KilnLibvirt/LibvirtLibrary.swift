import CLibvirt
import Foundation

/// Process-wide libvirt setup, done once before the first connection: libvirt's default event
/// loop registered and run on a thread of its own (domain events are delivered there), and
/// libvirt's habit of printing every error to standard error turned off (Kiln reports errors
/// itself, with context).
public enum LibvirtLibrary {
    /// libvirt's version as `major.minor.release`, e.g. `9.0.0`.
    public static var version: String {
        var packed: UInt = 0
        guard virGetVersion(&packed, nil, nil) == 0 else { return "unknown" }
        return "\(packed / 1_000_000).\(packed / 1000 % 1000).\(packed % 1000)"
    }

    /// Sets libvirt up; cheap after the first call.
    static func prepare() { _ = setUp }

    private static let setUp: Void = {
        virSetErrorFunc(nil, { _, _ in })
        guard virEventRegisterDefaultImpl() == 0 else { return }
        let thread = Thread {
            while true {
                if virEventRunDefaultImpl() < 0 { Thread.sleep(forTimeInterval: 0.1) }
            }
        }
        thread.name = "libvirt-events"
        thread.start()
    }()
}
