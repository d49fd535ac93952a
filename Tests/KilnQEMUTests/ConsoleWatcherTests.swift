import Foundation
import Testing

@testable import KilnPlatform

struct ConsoleWatcherTests {
    @Test(arguments: [
        (Array("abc".utf8), 3),
        (Array("aé".utf8), 3),
        (Array("aé".utf8).dropLast().map { $0 }, 1),  // é cut after its lead byte
        (Array("a😀".utf8).dropLast(1).map { $0 }, 1),  // a 4-byte character missing its last byte
        (Array("a😀".utf8), 5),
        ([], 0),
    ])
    func aCharacterCutByARead(bytes: [UInt8], complete: Int) {
        #expect(completeUTF8Prefix(bytes) == complete)
    }
}

struct ConsoleTailTests {
    /// A serial console's "\r\n" line ends count as lines: the tail is the last lines, not the
    /// whole console.
    @Test func theTailOfASerialConsoleIsItsLastLines() throws {
        let path = NSTemporaryDirectory() + "kiln-console-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (1...40).map { "line \($0)\r\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        let console = ConsoleWatcher(path: path, started: .now)
        #expect(console.tail(lines: 3) == "line 39\nline 40\n")
    }
}
