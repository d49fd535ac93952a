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
