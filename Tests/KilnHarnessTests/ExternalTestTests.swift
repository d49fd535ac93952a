import Foundation
import KilnCore
import KilnTesting
import Testing

@testable import KilnHarness

/// External tests: headers parsed strictly, discovery and naming as kola does.
struct ExternalTestTests {
    @Test func aFedoraCoreOSStyleRepositoryIsDiscoveredAsKolaNamesIt() throws {
        let found = try ExternalTestDiscovery("config=" + Fixtures.path("external/fcos-config"))
        #expect(found.tests.map(\.name) == ["ext.config.files.license", "ext.config.misc.checks", "ext.config.reboot"])
        let license = try #require(found.tests.first)
        #expect(license.metadata.exclusive == false)
        #expect(license.metadata.description == "Verify that the license file exists.")
        #expect(license.dataDirectory == nil)
        #expect(license.testMetadata.timeout == .seconds(60), "non-exclusive tests default to 1 minute")
        let reboot = try #require(found.tests.last)
        #expect(reboot.dataDirectory?.hasSuffix("reboot/data") == true)
        #expect(reboot.metadata.tags == ["platform-independent", "reprovision"])
        #expect(reboot.metadata.minMemoryMiB == 4096)
        #expect(reboot.metadata.architectures == { var s = SelectorList(); s.deny = ["s390x"]; return s }())
        #expect(reboot.metadata.description == "Reboot twice and check state survives.")
        #expect(reboot.testMetadata.timeout == .seconds(900))
        #expect(reboot.testMetadata.constraints.excludeArchitectures == ["s390x"])
        #expect(reboot.testMetadata.tags.contains("external"))
        let checks = try #require(found.tests.first { $0.name == "ext.config.misc.checks" })
        #expect(checks.config?.hasSuffix("misc/config.bu") == true)
        #expect(checks.metadata.streams.deny == ["stable"])
        #expect(found.warnings.count == 1)
        #expect(found.warnings.first?.contains("misc/helper-notes starts with #! but is not executable") == true)
    }

    @Test func theProjectDefaultsToTheDirectorysName() throws {
        let found = try ExternalTestDiscovery(Fixtures.path("external/fcos-config"))
        #expect(found.tests.first?.name == "ext.fcos-config.files.license")
    }

    @Test func aMalformedHeaderNamesTheFileAndLine() {
        #expect {
            _ = try ExternalTestDiscovery(Fixtures.path("external/bad"))
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.source.hasSuffix("external/bad/typo") && error.position?.line == 5
                && error.message == "unknown key timeoutMinutes"
        }
    }

    @Test(arguments: [
        ("## kola:\n##   exclusive: maybe\n", "exclusive must be true or false, found string", 2),
        ("## kiln:\n##   injectContainer: true\n", "kola's injectContainer is not supported: Kiln does not inject OS containers", 2),
        ("## kiln:\n##   conflicts: [a]\n", "conflicts applies to non-exclusive tests only (set exclusive: false)", 2),
        ("#!/bin/sh\n## kiln:\n##   timeoutMin: 0\n", "timeoutMin must be at least 1 (minutes)", 3),
        ("## kiln:\n##   creationDate: 2026-13-01\n", "creationDate must be a date YYYY-MM-DD, found '2026-13-01'", 2),
        ("## kiln:\n##   additionalDisks: 5G\n", "additionalDisks must be a list of strings, found string", 2),
    ])
    func strictHeaders(header: String, message: String, line: Int) {
        #expect {
            _ = try ExternalTestMetadata.parse(script: header, source: "t.sh")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.message == message && error.position?.line == line && error.source == "t.sh"
        }
    }

    @Test func aScriptWithoutHeaderGetsTheDefaultsAndTheHeaderMustBeEarly() throws {
        #expect(try ExternalTestMetadata.parse(script: "#!/bin/sh\ntrue\n", source: "t") == nil)
        let late = String(repeating: "#\n", count: 5000) + "## kiln:\n##   exclusive: false\n"
        #expect(try ExternalTestMetadata.parse(script: late, source: "t") == nil, "past the first 8 KiB")
        let parsed = try #require(try ExternalTestMetadata.parse(script: "## kiln:\n##   creationDate: 2026-11-20\n##   conflicts: [x]\n##   exclusive: false\n", source: "t"))
        #expect(parsed.creationDate == DenylistDate("2026-11-20"))
        #expect(parsed.conflicts == ["x"])
    }
}
