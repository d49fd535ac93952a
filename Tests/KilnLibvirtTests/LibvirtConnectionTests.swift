import Foundation
import KilnPlatform
import KilnTesting
import Testing

@testable import KilnLibvirt

/// The libvirt wrapper against libvirt's built-in test driver (`test:///default`, no daemon):
/// transient domains, state, destroy, events from the event-loop thread, errors.
struct LibvirtConnectionTests {
    @Test func reportsTheLinkedVersion() {
        let parts = LibvirtLibrary.version.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil })
    }

    @Test func theTestDriverHasItsDefaultDomainRunning() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        #expect(try connection.activeDomainNames().contains("test"))
        let host = try connection.hostResources()
        #expect(host.memoryMiB > 0 && host.cpus > 0)
        #expect(connection.isAlive)
    }

    @Test func aBadURIIsAnErrorWithLibvirtsMessage() {
        #expect {
            try LibvirtConnection(uri: "nosuchdriver:///x")
        } throws: { error in
            guard let error = error as? LibvirtError else { return false }
            return error.operation == "open nosuchdriver:///x" && error.code > 0 && !error.message.isEmpty
        }
    }

    /// The test driver's shared instance is per process: each test uses names of its own.
    private static func uniqueName(_ base: String) -> String { "\(base)-\(UUID().uuidString.prefix(8))" }

    @Test func aTransientDomainRunsWithKilnsLabelAndIsGoneOnceDestroyed() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let name = Self.uniqueName("kiln-t")
        let domain = try connection.createTransientDomain(xml: Self.sample(name: name).rendered)
        #expect(domain.name == name)
        #expect(try domain.state() == .running)
        #expect(try domain.isPersistent() == false)
        let element = try #require(try domain.metadata(namespace: LibvirtDomainXML.metadataNamespace))
        #expect(KilnDomainLabel(element: element) == KilnDomainLabel(runID: "run-1", host: "ci-host", pid: 4242, startTime: 987_654),
                "\(element)")
        #expect(try domain.metadata(namespace: "https://example.invalid/other") == nil)
        #expect(try connection.domain(named: name)?.name == name)
        try domain.destroy()
        #expect(try connection.domain(named: name) == nil, "a destroyed transient domain is gone")
        #expect(throws: LibvirtError.self) { try domain.destroy() }
    }

    @Test func invalidXMLIsRefusedWithLibvirtsReason() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        #expect {
            _ = try connection.createTransientDomain(xml: "<domain type='qemu'><name>x</name></domain>")
        } throws: { error in
            guard let error = error as? LibvirtError else { return false }
            return error.operation == "create a domain" && !error.message.isEmpty
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func lifecycleEventsArriveFromTheEventLoop() async throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        let subscription = try connection.subscribeToDomainEvents()
        let name = Self.uniqueName("kiln-ev")
        let domain = try connection.createTransientDomain(xml: Self.sample(name: name).rendered)
        try domain.destroy()
        var seen: [LibvirtDomainEvent.Kind] = []
        for await event in subscription.events where event.domain == name {
            seen.append(event.kind)
            if case .stopped = event.kind { break }
        }
        #expect(seen.first == .started)
        #expect(seen.last == .stopped(reason: .destroyed))
        subscription.cancel()
    }

    /// A direct-kernel-boot machine: `<kernel>`, `<initrd>`, `<cmdline>` beside the UEFI loader,
    /// no `<boot dev='hd'/>`; libvirt's schema validation takes it (as it takes the golden above).
    @Test func directKernelBootDomainMatchesGoldenAndValidates() throws {
        var xml = Self.sample(name: Self.uniqueName("kiln-kboot"))
        xml.directKernelBoot = Self.directKernelBoot
        let connection = try LibvirtConnection(uri: "test:///default")
        let domain = try connection.createTransientDomain(xml: xml.rendered)
        #expect(try domain.state() == .running)
        try domain.destroy()
        var golden = Self.sample(name: "basic.kernel-cmdline-m0")
        golden.directKernelBoot = Self.directKernelBoot
        #expect(Fixtures.compareGolden(golden.rendered, "domain-xml/uefi-tcg-direct-kernel-boot.xml") == nil)
        #expect(!golden.rendered.contains("<boot dev='hd'/>") && Self.sample(name: "x").rendered.contains("<boot dev='hd'/>"))
    }

    static let directKernelBoot = DirectKernelBoot(
        kernelPath: "/var/tmp/kiln-libvirt/images/3d616aa853fe11b1c0ea99a1cdb4fb6ddc9010ba7c4562de700ad94264989654.kernel",
        initramfsPath: "/var/tmp/kiln-libvirt/images/a80ec39e2b6e08fc4fc8c160432b0004a695f2b050d45490a76bce84b0276b26.initramfs",
        commandLine: "root=PARTLABEL=root-a rw console=ttyS0,115200n8 ignition.platform.id=qemu ignition.firstboot kiln.test=1 x<y&z")

    static func sample(name: String) -> LibvirtDomainXML {
        LibvirtDomainXML(name: name, label: KilnDomainLabel(runID: "run-1", host: "ci-host", pid: 4242, startTime: 987_654), memoryMiB: 1024, vcpus: 1, kvm: false,
                         firmware: .uefi(code: "/usr/share/OVMF/OVMF_CODE_4M.fd", variables: "/run/kiln/m0/vars.fd"),
                         overlayPath: "/run/kiln/m0/overlay.qcow2", configPath: "/run/kiln/m0/config.ign",
                         consolePath: "/out/basic.ssh/m0/console.txt", journalPath: "/out/basic.ssh/m0/journal-stream.txt",
                         sshPort: 40022)
    }

    @Test func domainXMLMatchesGolden() {
        #expect(Fixtures.compareGolden(Self.sample(name: "basic.ssh-m0").rendered, "domain-xml/uefi-tcg.xml") == nil)
        var extras = Self.sample(name: "cluster & co-m1")
        extras.firmware = .bios
        extras.kvm = true
        extras.additionalDiskPaths = ["/run/kiln/m1/disk-1.raw", "/run/kiln/m1/disk-2.raw"]
        extras.additionalNICs = 2
        extras.allowOutsideNetwork = true
        extras.privateNetwork = PrivateNetwork.Port(descriptor: -1, macAddress: "52:54:00:77:1f:01", address: "10.77.0.11",
                                                    hubPath: "/var/tmp/kiln-libvirt/r-1/net-1/h1.sock",
                                                    machinePath: "/var/tmp/kiln-libvirt/r-1/net-1/m1.sock")
        #expect(Fixtures.compareGolden(extras.rendered, "domain-xml/bios-kvm-extras.xml") == nil)
        // On a remote host: files in the run's work directory there, the private network
        // through a socket forwarded to the hub's stream listener here.
        var remote = Self.sample(name: "cluster.private-network-m0")
        remote.overlayPath = "/var/tmp/kiln-libvirt/r-1@ci-host-4242/m0/overlay.qcow2"
        remote.configPath = "/var/tmp/kiln-libvirt/r-1@ci-host-4242/m0/config.ign"
        remote.consolePath = "/var/tmp/kiln-libvirt/r-1@ci-host-4242/m0/console.txt"
        remote.journalPath = "/var/tmp/kiln-libvirt/r-1@ci-host-4242/m0/journal-stream.txt"
        remote.privateNetwork = PrivateNetwork.Port(descriptor: -1, macAddress: "52:54:00:77:1f:00", address: "10.77.0.10",
                                                    hubPath: "/var/tmp/kiln-libvirt/r-1-4242/net-1/h0.sock",
                                                    machinePath: "/var/tmp/kiln-libvirt/r-1-4242/net-1/m0.sock",
                                                    streamPath: "/var/tmp/kiln-libvirt/r-1-4242/net-1/s0.sock")
        remote.privateNetworkSocket = "/var/tmp/kiln-libvirt/r-1@ci-host-4242/net-0a1b2c3d.sock"
        #expect(Fixtures.compareGolden(remote.rendered, "domain-xml/remote-stream-network.xml") == nil)
    }
}
