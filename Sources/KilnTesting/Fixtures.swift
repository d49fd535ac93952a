import Foundation

/// The repository's `fixtures/` directory and golden-file comparison.
public enum Fixtures {
    /// The repository root, found from this source file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Sources/KilnTesting/Fixtures.swift
        return url.path
    }()

    /// The absolute path of `fixtures/<relative>`.
    public static func path(_ relative: String) -> String { "\(repositoryRoot)/fixtures/\(relative)" }

    /// The text of `fixtures/<relative>`.
    public static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Compares `actual` with the golden file `fixtures/<relative>`; with `KILN_UPDATE_GOLDEN=1`
    /// in the environment, writes `actual` there instead. Returns nil when they match, else a
    /// message naming the first differing line.
    public static func compareGolden(_ actual: String, _ relative: String) -> String? {
        let file = path(relative)
        if ProcessInfo.processInfo.environment["KILN_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try? actual.write(toFile: file, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: file, encoding: .utf8) else {
            return "golden file \(file) is missing (run the test with KILN_UPDATE_GOLDEN=1 to create it)"
        }
        if expected == actual { return nil }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) where (i < a.count ? a[i] : nil) != (i < e.count ? e[i] : nil) {
            return "\(relative):\(i + 1): expected \(i < e.count ? String(e[i]) : "<end>"), got \(i < a.count ? String(a[i]) : "<end>")"
        }
        return "\(relative) differs"
    }
}
