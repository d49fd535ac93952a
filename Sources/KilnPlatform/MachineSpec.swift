public import KilnCore

/// Everything a platform needs to boot one machine.
public struct MachineSpec: Sendable {
    /// Unique name of the machine within the run, e.g. `basic.ssh-m0`.
    public var id: String
    /// Directory for the machine's artifacts (console, config, command line). Created by the caller.
    public var artifactsDirectory: String
    /// The config the guest's Ignition gets on first boot, with Kiln's SSH key already in it.
    public var config: IgnitionConfig
    public var memoryMiB: Int
    public var vcpus: Int
    /// Let the guest reach outside networks (kola's `needs-internet`); off by default.
    public var allowOutsideNetwork: Bool
    /// The machine's attachment to its test's private network, if the test has one.
    public var privateNetwork: PrivateNetwork.Port?
    /// Extra empty disks, sizes in GiB.
    public var additionalDisksGiB: [Int]
    /// Extra NICs, each on an isolated network of its own.
    public var additionalNICs: Int
    /// Firmware instead of the image's own; nil keeps the image's.
    public var firmware: BootImage.Firmware?
    /// Another build's image instead of the platform's (an upgrade test's machine boots the
    /// build it updates from); nil boots the run's build.
    public var image: BootImage?
    /// The guest is expected to fail to boot and recover by itself (an update whose new build
    /// panics, rolled back by the guest's boot counting): a panic reboots the machine instead
    /// of ending it, and a failed boot on the console does not fail the wait for SSH.
    public var expectsFailedBoots = false
    /// Boot this kernel and initramfs with this command line instead of the disk's boot loader;
    /// nil boots from the disk. Only for machines of the platform's own build (`image` nil).
    public var directKernelBoot: DirectKernelBoot?
    /// Called once the machine's hypervisor runs, before it is ready: whoever reports on the
    /// machine can then read its boot phases even if it never becomes ready.
    public var onStarted: (@Sendable (any Machine) -> Void)?

    public init(id: String, artifactsDirectory: String, config: IgnitionConfig, memoryMiB: Int = 1024,
                vcpus: Int = 2, allowOutsideNetwork: Bool = false, privateNetwork: PrivateNetwork.Port? = nil,
                additionalDisksGiB: [Int] = [], additionalNICs: Int = 0, firmware: BootImage.Firmware? = nil,
                image: BootImage? = nil, directKernelBoot: DirectKernelBoot? = nil, onStarted: (@Sendable (any Machine) -> Void)? = nil) {
        self.image = image
        self.directKernelBoot = directKernelBoot
        self.additionalNICs = additionalNICs
        self.firmware = firmware
        self.onStarted = onStarted
        self.privateNetwork = privateNetwork
        self.additionalDisksGiB = additionalDisksGiB
        self.id = id
        self.artifactsDirectory = artifactsDirectory
        self.config = config
        self.memoryMiB = memoryMiB
        self.vcpus = vcpus
        self.allowOutsideNetwork = allowOutsideNetwork
    }
}

/// The disk image machines boot, and what Kiln must know to boot and log into it.
public struct BootImage: Sendable, Equatable {
    public enum Firmware: String, Sendable, Equatable {
        case uefi, bios
    }

    /// Absolute path of the qcow2 image (the base of every machine's overlay; never written).
    public var path: String
    public var firmware: Firmware
    public var loginUser: String
    /// The newest Ignition spec the image accepts, if known.
    public var ignitionSpecMax: IgnitionSpecVersion?
    /// The image file's sha256, when known (a remote libvirt host gets a verified copy).
    public var sha256: String?

    public init(path: String, firmware: Firmware, loginUser: String, ignitionSpecMax: IgnitionSpecVersion?, sha256: String? = nil) {
        self.sha256 = sha256
        self.path = path
        self.firmware = firmware
        self.loginUser = loginUser
        self.ignitionSpecMax = ignitionSpecMax
    }
}

/// A backend that boots machines (QEMU here; libvirt later).
public protocol Platform: Sendable {
    /// `qemu`, `libvirt`: what selection and reports call it.
    var name: String { get }

    /// Boots a machine, waits until SSH answers, runs `body`, and destroys the machine however
    /// `body` ends (returning, throwing, or its task being cancelled).
    func withMachine<R: Sendable>(_ spec: MachineSpec, _ body: @escaping @Sendable (any Machine) async throws -> R) async throws -> R

    /// A private Ethernet segment for `machines` machines of the test `name`, attached the way
    /// this platform's hypervisors can take it.
    func privateNetwork(machines: Int, name: String) throws -> PrivateNetwork

    /// Waits, before a job's deadline starts, until `machines` machines of `memoryMiB` of guest
    /// RAM each can start at once, and sets that room aside; nil when the platform never makes a
    /// machine wait (the runner's budget is enough).
    func admit(machines: Int, memoryMiB: Int) async throws -> PlatformAdmission?

    /// Whether machines run on this machine, so that the run's local memory and CPU budget
    /// bounds them; false for a platform whose machines run on other hosts and whose
    /// ``admit(machines:memoryMiB:)`` waits for those hosts' room.
    var runsMachinesLocally: Bool { get }
}

extension Platform {
    public func admit(machines: Int, memoryMiB: Int) async throws -> PlatformAdmission? { nil }

    public var runsMachinesLocally: Bool { true }

    /// Socket pairs whose ends are handed to the hypervisor processes Kiln starts.
    public func privateNetwork(machines: Int, name: String) throws -> PrivateNetwork {
        try PrivateNetwork(machines: machines, name: name)
    }
}
