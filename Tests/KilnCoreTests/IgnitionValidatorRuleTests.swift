import Testing

@testable import KilnCore

/// The validator's rules one at a time, and the parts of its contract the corpus does not show.
struct IgnitionValidatorRuleTests {
    func validate(_ text: String, newerFieldSeverity: ConfigDiagnostic.Severity = .warning) throws -> [ConfigDiagnostic] {
        IgnitionValidator(newerFieldSeverity: newerFieldSeverity).validate(try JSONDocument(parsing: text))
    }

    @Test func aMissingFieldIsPlacedAtItsNearestAncestor() throws {
        let diagnostics = try validate("{\"ignition\": {\"version\": \"3.3.0\"},\n \"storage\": {\"links\": [\n  {\"path\": \"/a\"}]}}")
        #expect(diagnostics.map(\.description) == ["error at $.storage.links.0.target, line 3 col 3: link target is required"])
    }

    @Test func newerFieldsCanBeMadeErrors() throws {
        let text = #"{"ignition": {"version": "3.2.0"}, "kernelArguments": {"shouldExist": ["x"]}}"#
        #expect(try validate(text).map(\.severity) == [.warning])
        let strict = try validate(text, newerFieldSeverity: .error)
        #expect(strict.map(\.severity) == [.error])
        #expect(strict.first?.message == "Unused key kernelArguments: introduced in spec 3.3.0, not part of a 3.2.0 config")
    }

    @Test func typeErrorsAreAllReportedAndStopTheSemanticRules() throws {
        let diagnostics = try validate(#"""
            {"ignition": {"version": "3.3.0"}, "storage": {"files": [{"path": "relative", "mode": "0644", "overwrite": 1}]}}
            """#)
        #expect(diagnostics.map(\.path) == ["$.storage.files.0.mode", "$.storage.files.0.overwrite"])
        #expect(diagnostics.allSatisfy { $0.severity == .error && $0.message.hasPrefix("wrong type") })
    }

    @Test func nullReadsAsAbsentAsInGo() throws {
        #expect(try validate(#"{"ignition": {"version": "3.3.0", "config": null}, "storage": {"files": null}}"#).isEmpty)
    }

    @Test(arguments: [
        ("/etc/x", nil), ("/", nil), ("", "path not specified"), ("etc/x", "path not absolute"),
        ("/etc/../x", "path is not fully simplified"), ("/etc/./x", "path is not fully simplified"),
        ("/etc//x", "path is not fully simplified"), ("/etc/x/", "path is not fully simplified"),
        ("/etc/..x", nil),
    ] as [(String, String?)])
    func nodePaths(path: String, problem: String?) {
        #expect(StorageRules.pathProblem(path) == problem)
    }

    @Test func ancestorsOfAPath() {
        #expect(StorageRules.ancestors(of: "/a/b/c") == ["/a", "/a/b"])
        #expect(StorageRules.ancestors(of: "/") == [])
        #expect(StorageRules.ancestors(of: "") == [])
    }

    @Test(arguments: [
        ("data:,hello", nil), ("data:,a%20b", nil), ("data:;base64,aGk=", nil),
        ("data:text/plain;charset=utf-8,x", nil), ("data:application/octet-stream;base64,", nil),
        ("data:,a b", "invalid data character"), ("data:text/plain", "incomplete media type"),
        ("data:;base64,aGk", "illegal base64 data"), ("data:;base64,a$k=", "illegal base64 data"),
        ("data:text,x", "invalid media type"), ("data:text/plain;charset,x", "invalid media type parameter"),
    ] as [(String, String?)])
    func dataURLs(url: String, problem: String?) {
        #expect(IgnitionURL.dataURLProblem(url) == problem)
    }

    @Test func urlSchemesDependOnTheVersion() {
        #expect(IgnitionURL.problem(with: "gs://b/o", version: .v3_1) == "invalid url scheme")
        #expect(IgnitionURL.problem(with: "gs://b/o", version: .v3_2) == nil)
        #expect(IgnitionURL.problem(with: "arn:aws:s3:::b/k", version: .v3_3) == "invalid url scheme")
        #expect(IgnitionURL.problem(with: "arn:aws:s3:::b/k", version: .v3_4_experimental) == nil)
        #expect(IgnitionURL.problem(with: "HTTPS://example.com/x", version: .v3_0) == nil)
        #expect(IgnitionURL.problem(with: "/local/file", version: .v3_5) == "invalid url scheme")
        #expect(IgnitionURL.problem(with: "http://example.com/%zz", version: .v3_5) == "unable to parse url")
    }

    @Test func hashes() {
        let sha256 = "sha256-" + String(repeating: "a", count: 64)
        #expect(IgnitionURL.hashProblem(sha256, version: .v3_0) == "unrecognized hash function")
        #expect(IgnitionURL.hashProblem(sha256, version: .v3_1) == nil)
        #expect(IgnitionURL.hashProblem("sha512-" + String(repeating: "0", count: 128), version: .v3_0) == nil)
        #expect(IgnitionURL.hashProblem("sha512-" + String(repeating: "0", count: 127), version: .v3_0) == "incorrect size for hash sum")
        #expect(IgnitionURL.hashProblem("sha512", version: .v3_0) == "malformed hash specifier")
    }

    @Test func unitNames() {
        #expect(SystemdUnitName.hasValidSuffix("a.service"))
        #expect(SystemdUnitName.hasValidSuffix("getty@tty1.service"))
        #expect(SystemdUnitName.hasValidSuffix(".timer"))  // Ignition checks only the suffix
        #expect(!SystemdUnitName.hasValidSuffix("a.conf"))
        #expect(!SystemdUnitName.hasValidSuffix("service"))
        #expect(SystemdUnitName.hasInstallSection("[Unit]\n  [Install]\nWantedBy=x\n"))
        #expect(!SystemdUnitName.hasInstallSection("[Service]\n# [Install]\n"))
    }

    @Test func theSchemaKnowsEverySectionAndNoFieldIsNewerThanTheLastVersion() {
        func walk(_ schema: IgnitionObjectSchema, _ path: String, into paths: inout [String]) {
            for field in schema.fields {
                #expect(field.since <= .v3_5 && field.since >= .v3_0, "\(path).\(field.name)")
                paths.append("\(path).\(field.name)")
                var type = field.type
                while case .array(let element) = type { type = element }
                if case .object(let child) = type { walk(child, "\(path).\(field.name)", into: &paths) }
            }
        }
        var paths: [String] = []
        walk(IgnitionSchema.config, "$", into: &paths)
        for expected in [
            "$.ignition.config.merge.verification.hash", "$.ignition.config.replace.httpHeaders.value",
            "$.ignition.timeouts.httpTotal", "$.ignition.security.tls.certificateAuthorities.compression",
            "$.ignition.proxy.noProxy", "$.storage.disks.partitions.resize", "$.storage.raid.spares",
            "$.storage.filesystems.mountOptions", "$.storage.files.append.source", "$.storage.directories.mode",
            "$.storage.links.hard", "$.storage.luks.clevis.tang.advertisement", "$.storage.luks.cex.enabled",
            "$.systemd.units.dropins.contents", "$.passwd.users.sshAuthorizedKeys", "$.passwd.groups.gid",
            "$.kernelArguments.shouldNotExist",
        ] {
            #expect(paths.contains(expected), "\(expected)")
        }
        #expect(paths.count == Set(paths).count)
    }
}
