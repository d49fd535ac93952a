import Foundation
import KilnCore
import KilnTesting
import Testing

/// The JUnit XML report against its golden file and, with `xmllint`, against the Jenkins JUnit
/// schema (fixtures/reports/jenkins-junit.xsd).
struct JUnitReportTests {
    static let xmllint = "/usr/bin/xmllint"

    /// Runs `xmllint` with `arguments` on `xml`.
    static func xmllint(_ arguments: [String], _ xml: String) throws -> (status: Int32, output: String, errors: String) {
        try HostTool.run(xmllint, arguments, document: xml)
    }

    /// The value of an XPath expression over `xml` (without the line feed xmllint ends it with).
    static func xpath(_ expression: String, _ xml: String) throws -> String {
        var scalars = Substring(try xmllint(["--xpath", expression], xml).output).unicodeScalars
        if scalars.last == "\n" { scalars.removeLast() }
        return String(scalars)
    }

    @Test func theGoldenFileMatches() {
        let xml = ReportSamples.run.junitXML(tails: ReportSamples.junitTails)
        #expect(Fixtures.compareGolden(xml, "reports/junit.xml") == nil)
    }

    @Test func itValidatesAgainstTheJenkinsSchema() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.xmllint), "xmllint is missing (apt-get install libxml2-utils)")
        let xml = ReportSamples.run.junitXML(tails: ReportSamples.junitTails)
        let run = try Self.xmllint(["--noout", "--schema", Fixtures.path("reports/jenkins-junit.xsd")], xml)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.hasSuffix("validates\n"))
    }

    @Test func outcomesMapToTheElementsCIReads() throws {
        let xml = ReportSamples.run.junitXML(tails: ReportSamples.junitTails)
        #expect(try Self.xpath("concat(//testsuite/@tests, ' ', //testsuite/@failures, ' ', //testsuite/@errors, ' ',"
                               + " //testsuite/@skipped, ' ', //testsuite/@time)", xml) == "6 1 1 2 754.322")
        #expect(try Self.xpath("count(//testcase[not(*)])", xml) == "1")  // PASS
        #expect(try Self.xpath("string(//testcase[failure]/@name)", xml) == "ext.config.kernel-panic")
        #expect(try Self.xpath("string(//testcase[error/@type='timeout']/@name)", xml) == "basic.reboot-loop")
        #expect(try Self.xpath("string(//testcase[skipped[not(@type)]]/@name)", xml) == "ext.tpm2.luks")
        #expect(try Self.xpath("string(//testcase[skipped/@type='known-failure']/@name)", xml) == "ext.podman.rootless")
        #expect(try Self.xpath("string(//testcase[flakyFailure]/@name)", xml) == "ext.network.dhcp")
        #expect(try Self.xpath("string(//property[@name='image.sha256']/@value)", xml) == ReportSamples.run.build.imageSHA256)
        #expect(try Self.xpath("string(//testcase[@name='basic.sudo']/@classname)", xml) == "kiln.basic")
        #expect(try Self.xpath("string(//skipped[@type='known-failure']/@message)", xml)
                == "known failure https://github.com/containers/podman/issues/5678: podman run exited with status 125")
    }

    @Test func textComesBackWithForbiddenCharactersShown() throws {
        let xml = ReportSamples.run.junitXML(tails: ReportSamples.junitTails)
        // The failure's text: the error (quotes, <, &, a backslash intact), then findings, log and tails.
        let failure = try Self.xpath("string(//failure)", xml)
        #expect(failure.hasPrefix(ReportSamples.fail.error ?? ""))
        #expect(failure.contains("\u{241B}[0;31mFAILED\u{241B}[0m to start sshd.service"))
        #expect(failure.contains("m0 journal:\nsystemd[1]: Starting sshd.service...\n---\n"))
        #expect(try Self.xpath("string(//failure/@message)", xml) == "the console shows a kernel panic:")
        // NUL and BEL become their pictures, the carriage return survives, `]]>` is only text.
        let timeout = try Self.xpath("string(//error)", xml)
        #expect(timeout.hasSuffix("m0 console:\nRebooting.\n\u{2400}\u{2407}]]> <![CDATA[\r"))
        // Attributes keep their line breaks.
        let flaky = try Self.xpath("string(//flakyFailure)", xml)
        #expect(flaky == ReportSamples.flake.error)
    }
}
