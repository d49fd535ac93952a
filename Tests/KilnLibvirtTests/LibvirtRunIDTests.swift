import Testing

@testable import KilnLibvirt

/// Run ids and domain names: unique per run, readable, within libvirt's and the file system's limits.
struct LibvirtRunIDTests {
    @Test func twoRunsWithTheSameOutputDirectoryGetDifferentDomainNames() {
        let first = LibvirtRunID(outputDirectory: "out")
        let second = LibvirtRunID(outputDirectory: "./out")
        #expect(first.value.hasPrefix("out-") && second.value.hasPrefix("out-"))
        #expect(first != second)
        #expect(first.domainName(machine: "basic.ssh-m0") != second.domainName(machine: "basic.ssh-m0"))
    }

    @Test func namesAreReadable() {
        let id = LibvirtRunID(outputDirectory: "/ci/_kiln/libvirt-20261202-0638-4242/", token: "3f9a1c2e")
        #expect(id.value == "libvirt-20261202-0638-4242-3f9a1c2e")
        #expect(id.domainName(machine: "basic.ssh-m0") == "kiln-libvirt-20261202-0638-4242-3f9a1c2e-basic.ssh-m0")
        #expect(LibvirtRunID.randomToken().count == 8)
    }

    @Test func oddCharactersAndLongNamesAreTamed() {
        let id = LibvirtRunID(outputDirectory: "my run's \"out\"/", token: "00000001")
        #expect(id.value == "my_run_s__out_-00000001")
        let long = LibvirtRunID(outputDirectory: String(repeating: "o", count: 300), token: "00000002")
        #expect(long.value.count == LibvirtRunID.maxPrefixLength + 9)
        let a = long.domainName(machine: String(repeating: "x", count: 200) + "-m0")
        let b = long.domainName(machine: String(repeating: "x", count: 200) + "-m1")
        #expect(a.count == LibvirtRunID.maxDomainNameLength && b.count == LibvirtRunID.maxDomainNameLength)
        #expect(a != b, "a cut name ends with a hash of the whole machine id")
        #expect(!id.domainName(machine: "a/b").contains("/"))
        #expect(LibvirtRunID(outputDirectory: "/", token: "00000003").value == "run-00000003")
    }
}
