import Testing

@testable import KilnCore

/// Reading the stream metadata files strictly: errors name the file, line and column, the key
/// path and what was expected.
struct StreamDecodingErrorTests {
    func updatesError(_ text: String) -> String? {
        do {
            _ = try UpdatesMetadata(json: Array(text.utf8), source: "updates/stable.json")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aPercentageOutOfRangeIsNamedWithItsPlace() {
        let text = """
            {"stream": "stable", "metadata": {"last-modified": "2026-07-21T14:07:12Z"}, "releases": [
              {"version": "1.0", "metadata": {"rollout": {"start_percentage": 1.5}}}]}
            """
        #expect(updatesError(text) == "updates/stable.json:2:67: releases[0].metadata.rollout.start_percentage: expected a number from 0.0 to 1.0, found 1.5")
    }

    @Test func missingAndMistypedFieldsSayWhatWasExpected() {
        #expect(updatesError(#"{"stream": "stable", "metadata": {"last-modified": "x"}, "releases": [{"metadata": {}}]}"#)
            == "updates/stable.json:1:71: releases[0].version: missing; expected the release's version")
        #expect(updatesError(#"{"stream": "stable", "metadata": {"last-modified": "x"}, "releases": {}}"#)
            == "updates/stable.json:1:70: releases: expected a list of releases, found object")
        #expect(updatesError(#"{"stream": "stable", "metadata": {"last-modified": "x"}, "releases": [{"version": "1", "metadata": {"rollout": {"start_epoch": "soon"}}}]}"#)
            == "updates/stable.json:1:128: releases[0].metadata.rollout.start_epoch: expected seconds since 1970, found \"soon\"")
        #expect(updatesError(#"{"stream": "stable", "metadata": {"last-modified": "x"}, "releases": [{"version": "1", "metadata": {"barrier": {}}}]}"#)
            == "updates/stable.json:1:112: releases[0].metadata.barrier.reason: missing; expected the URL of the reason")
        #expect(updatesError("{\"stream\": ") == "updates/stable.json:1:12: not valid JSON: unexpected end of input: expected a value")
    }

    @Test func aReleaseListedTwiceIsRefused() {
        let entry = #"{"version": "1", "metadata": {}}"#
        #expect(updatesError(#"{"stream": "s", "metadata": {"last-modified": "x"}, "releases": [\#(entry), \#(entry)]}"#)
            == "updates/stable.json:1:100: releases[1]: release 1 is listed twice")
    }

    @Test func aChecksumMustBeASha256() {
        let text = """
            {"release": "1", "stream": "s", "architectures": {"x86_64": {"commit": "c", "media": {"qemu": {"artifacts":
              {"qcow2": {"disk": {"location": "https://x/y.qcow2", "sha256": "nope"}}}}}}}}
            """
        #expect(throws: StreamFileError(source: "release.json", position: SourcePosition(line: 2, column: 66),
                                        path: "architectures.x86_64.media.qemu.artifacts.qcow2.disk.sha256",
                                        message: "expected a sha256 of 64 hexadecimal digits, found \"nope\"")) {
            try ReleaseMetadata(json: Array(text.utf8), source: "release.json")
        }
    }
}
