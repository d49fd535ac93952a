import ArgumentParser
import Testing

@testable import kiln

/// A run records its arguments by writing its parsed options back out; they must parse into
/// the same command, with every option set, or `kiln rerun` would repeat another run.
struct CommandLineWordsTests {
    @Test func everyRunOptionSurvivesTheRoundTrip() throws {
        let given = ["-E", "x=/tests", "--build", "/b", "--output-dir", "/o", "--parallel", "3", "--platform", "libvirt",
                     "--connect", "qemu:///system,capacity=2", "--accel", "tcg", "--tag", "a", "--tag", "!b", "--stream", "testing",
                     "--append-ignition", "/a.ign", "--append-butane", "/b.bu", "--files-dir", "/f", "--allow-config-warnings",
                     "--memory", "2048", "--direct-kernel-boot", "--kargs", "kiln.test=1 quiet", "--kargs", "loglevel=3", "--denylist", "/d.yaml", "--rerun", "--multiply", "2", "--shard", "1/2",
                     "--console-checks-warn-only", "--keep-failed", "--verbose", "--debug", "--expect-image-sha256", "ab", "--ignore-config-repository",
                     "--workdir", "/w", "--", "-odd-name", "basic.*"]
        let command = try RunCommand.parse(given)
        let again = try RunCommand.parse(command.arguments)
        #expect(again.arguments == command.arguments)
        #expect(again.patterns == ["-odd-name", "basic.*"])
        #expect(again.externalDirectories == ["x=/tests"] && again.connect == ["qemu:///system,capacity=2"])
        #expect(again.tags == ["a", "!b"] && again.memory == 2048 && again.multiply == 2 && again.shard == "1/2")
        #expect(again.rerun && again.keepFailed && again.debug && again.allowConfigWarnings && again.ignoreConfigRepository && again.consoleChecksWarnOnly)
        #expect(again.workdir.workdir == "/w" && again.expectImageSHA256 == "ab" && again.filesDir == "/f")
        #expect(again.kernelBoot.directKernelBoot && again.kernelBoot.kernelArguments == ["kiln.test=1 quiet", "loglevel=3"])
        // Every option given appears in what is recorded (by its long name).
        let recorded = Set(command.arguments.filter { $0.hasPrefix("--") })
        let expected = Set(given.filter { $0.hasPrefix("--") && $0 != "--" } + ["--exttest", "--"])
        #expect(recorded == expected)
        // ... and the test gives every option there is, hidden ones too.
        #expect(recorded.subtracting(["--"]) == Self.longOptions(of: RunCommand.self))
    }

    /// Every `--option` a command's full help names, but --help.
    static func longOptions(of command: any ParsableCommand.Type) -> Set<String> {
        let help = command.helpMessage(includeHidden: true, columns: 1000)
        let words = help.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") })
        return Set(words.map(String.init).filter { $0.hasPrefix("--") && $0.count > 2 && $0 != "--help" })
    }

    @Test func everyRunUpgradeOptionSurvivesTheRoundTrip() throws {
        let given = ["--build", "12.3", "--from", "12.1", "--from", "12.2", "--find-parent", "--matrix", "--stream", "stable",
                     "--expect", "rollback", "--output-dir", "/o", "--parallel", "2", "--accel", "tcg", "--verbose",
                     "--expect-image-sha256", "cd", "--workdir", "/w", "upgrade.state"]
        let command = try RunUpgradeCommand.parse(given)
        let again = try RunUpgradeCommand.parse(command.arguments)
        #expect(again.arguments == command.arguments)
        #expect(again.from == ["12.1", "12.2"] && again.findParent && again.matrix && again.expect == "rollback")
        #expect(again.patterns == ["upgrade.state"] && again.workdir.workdir == "/w")
        #expect(Set(command.arguments.filter { $0.hasPrefix("--") }) == Set(given.filter { $0.hasPrefix("--") } + ["--"]))
        #expect(Set(given.filter { $0.hasPrefix("--") }) == Self.longOptions(of: RunUpgradeCommand.self))
    }
}
