import KilnTesting
import Testing

@testable import KilnCore

/// The analyzer against consoles recorded from Kiln's reference guest (fixtures/console).
struct ConsoleAnalyzerTests {
    func analyze(_ fixture: String, chunk: Int = 700) throws -> ConsoleAnalyzer {
        let text = try Fixtures.text("console/\(fixture)")
        var analyzer = ConsoleAnalyzer()
        // Fed in uneven pieces, as a growing file is read: lines split across reads must not matter.
        var index = text.startIndex
        var second = 0.0
        while index < text.endIndex {
            let end = text.index(index, offsetBy: chunk, limitedBy: text.endIndex) ?? text.endIndex
            analyzer.consume(String(text[index..<end]), at: second)
            index = end
            second += 0.25
        }
        analyzer.finish(at: second)
        return analyzer
    }

    @Test func aGoodFirstBootShowsEveryMilestoneInOrderAndTheHostKey() throws {
        let analyzer = try analyze("reference-first-boot.txt")
        #expect(analyzer.fatal == nil)
        // The machine was destroyed before getty printed its prompt.
        #expect(analyzer.phases.map(\.name) == ["kernel", "ignition-fetch", "ignition-files", "ignition-complete",
                                                 "switch-root", "sshd"])
        #expect(analyzer.phases.map(\.seconds) == analyzer.phases.map(\.seconds).sorted())
        #expect(analyzer.hostKeys.count == 1)
        #expect(analyzer.hostKeys.first?.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5") == true)
    }

    @Test func anInvalidConfigGivesIgnitionsOwnError() throws {
        let analyzer = try analyze("reference-ignition-invalid-config.txt")
        guard case .ignitionFailed(let lines) = analyzer.fatal else {
            Issue.record("no Ignition failure found: \(String(describing: analyzer.fatal))")
            return
        }
        #expect(lines.contains("error at $.storage.files.0.path, line 1 col 61: path not absolute"))
        #expect(lines.contains { $0.contains("ignition-fetch-offline.service") })
    }

    @Test func aFilesStageFailureGivesIgnitionsOwnError() throws {
        let analyzer = try analyze("reference-ignition-files-failed.txt", chunk: 97)
        guard case .ignitionFailed(let lines) = analyzer.fatal else {
            Issue.record("no Ignition failure found")
            return
        }
        #expect(lines.contains { $0.contains("A file exists there already and overwrite is false") })
    }

    @Test func fedoraCoreOSStyleFailuresAndPanicsAreSeen() {
        var fcos = ConsoleAnalyzer()
        fcos.consume("[   12.1] ignition[712]: Ignition failed: failed to fetch config: resource not found\n"
                     + "[   12.2] ignition[712]: failed to acquire config: resource not found\n"
                     + "[   12.3] systemd[1]: Starting emergency.service\n"
                     + "[   12.4] ignition[712]: unrelated later line\n", at: 12)
        #expect(fcos.fatal == .ignitionFailed([
            "[   12.1] ignition[712]: Ignition failed: failed to fetch config: resource not found",
            "[   12.2] ignition[712]: failed to acquire config: resource not found",
        ]))

        var panic = ConsoleAnalyzer()
        panic.consume("[    3.2] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n", at: 3)
        #expect(panic.fatal == .kernelPanic("[    3.2] Kernel panic - not syncing: VFS: Unable to mount root fs"))
    }

    @Test func aLoginPromptIsSeenOnItsUnfinishedLine() {
        var analyzer = ConsoleAnalyzer()
        analyzer.consume("\r\nDebian GNU/Linux 12 kiln ttyS0\r\n\r\nkiln login: ", at: 40)
        #expect(analyzer.phases == [BootPhase(name: "login-prompt", seconds: 40)])
    }

    @Test func escapeSequencesAndCarriageReturnsAreRemoved() {
        #expect(ConsoleAnalyzer.clean("[\u{1B}[0;32m  OK  \u{1B}[0m] Started\r") == "[  OK  ] Started")
    }
}
