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

    @Test func theRepositorysSuiteIsDiscoveredWithItsSelfTestsBehindATag() throws {
        let found = try ExternalTestDiscovery("config=" + Fixtures.path("../tests-external"))
        #expect(found.warnings.isEmpty, "\(found.warnings)")
        let names = found.tests.map(\.name)
        #expect(names.count >= 10)
        #expect(names.contains("ext.config.reboot") && names.contains("ext.config.selftest.hangs"))
        let shared = found.tests.filter { !$0.metadata.exclusive && $0.metadata.requiredTag == nil }
        #expect(shared.count >= 3)
        for test in found.tests where test.name.hasPrefix("ext.config.selftest.") {
            #expect(test.metadata.requiredTag == "kiln-selftest", "\(test.name) must only run when asked")
        }
        // Every test registers: configs load, headers fit the registry's rules.
        let registered = try found.tests.map { try $0.registeredTest() }
        _ = try TestRegistry(registered)
        let butane = try #require(registered.first { $0.metadata.name == "ext.config.butane-config" })
        #expect(butane.config?.rendered.contains("data:,setting%3Dfrom%20the%20test%20directory%0A") == true)
        let options = try #require(registered.first { $0.metadata.name == "ext.config.machine-options" })
        #expect(options.metadata.machine == MachineOptions(memoryMiB: 1536, additionalDisksGiB: [1], additionalNICs: 1))
        #expect(options.deadline == .seconds(5 * 60) + ExternalTest.exclusiveAllowance)
    }

    @Test func conflictsNameTestsOfTheProjectByShortNameAndUnsupportedKeysSkip() throws {
        var metadata = ExternalTestMetadata()
        metadata.exclusive = false
        metadata.conflicts = ["files.license", "ext.other.x"]
        var test = ExternalTest(name: "ext.config.a", project: "config", script: "/x/a", metadata: metadata)
        #expect(test.testMetadata.conflicts == ["files.license", "ext.config.files.license", "ext.other.x"])
        #expect(test.unsupportedReason == nil)
        test.metadata.additionalDisks = ["5G", "1G:mpath"]
        #expect(test.unsupportedReason?.contains("'1G:mpath' is not supported") == true)
        test.metadata.additionalDisks = []
        test.metadata.appendFirstbootKernelArgs = "ip=dhcp"
        #expect(test.unsupportedReason?.hasPrefix("appendFirstbootKernelArgs (ip=dhcp) is not supported") == true)
        test.metadata.distros = SelectorList("fcos")
        #expect(test.testMetadata.constraints.excludes(RunTarget(platform: "qemu", distro: "kiln-reference")) != nil)
    }

    @Test func dataFilesFollowSymlinksKeepModesAndRefuseLoops() throws {
        let data = try ExternalDataFiles(directory: Fixtures.path("../tests-external/data-files/data"))
        #expect(data.directories == ["expected"])
        #expect(data.files.map(\.path) == ["commonlib.sh", "expected/motd.sha256", "expected/motd.txt", "tool.sh"])
        #expect(data.files.first { $0.path == "tool.sh" }?.mode == 0o755)
        #expect(data.files.first { $0.path == "commonlib.sh" }.map { String(decoding: $0.bytes, as: UTF8.self) }?.contains("cmdline_arg()") == true)
        let directory = NSTemporaryDirectory() + "kiln-loop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/again", withDestinationPath: directory)
        #expect(throws: ConfigError.self) { _ = try ExternalDataFiles(directory: directory) }
    }
}
