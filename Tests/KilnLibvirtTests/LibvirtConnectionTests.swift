import Testing

@testable import KilnLibvirt

/// The libvirt link, against libvirt's built-in test driver (no daemon).
struct LibvirtConnectionTests {
    @Test func reportsTheLinkedVersion() {
        let parts = LibvirtLibrary.version.split(separator: ".")
        #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil })
    }

    @Test func theTestDriverHasItsDefaultDomainRunning() throws {
        let connection = try LibvirtConnection(uri: "test:///default")
        #expect(try connection.activeDomainNames() == ["test"])
    }

    @Test func aBadURIIsAnErrorWithLibvirtsMessage() {
        #expect(throws: LibvirtError.self) { try LibvirtConnection(uri: "nosuchdriver:///x") }
    }
}
