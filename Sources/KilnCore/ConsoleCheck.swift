/// One of kola's console and journal "badness" checks (`consoleChecks` in `mantle/kola/harness.go`):
/// a short name a test can suppress, kola's description, kola's Go regular expression, and a
/// matcher that matches exactly the lines that expression matches.
///
/// kola runs every check on the whole of each machine's `console.txt` and `journal.txt` alike
/// (it does not tell them apart), without multi-line mode, so that `.` never crosses a line:
/// every check but one is therefore a check of single lines. The exception is the bonding
/// check, whose expression spans lines and needs ten messages in total.
public struct ConsoleCheck: Sendable, Equatable {
    /// How a check recognizes lines.
    public enum Matcher: Sendable, Equatable {
        /// The line contains one of these strings (used where kola's expression is a set of literals).
        case anyOf([String])
        /// The line matches this regular expression (Swift syntax, ASCII `\d`), searched only in
        /// lines that contain `required`, a literal every match contains.
        case regex(String, required: String)
        /// Every `count`-th occurrence, counted across the whole log, of this regular expression
        /// (searched in lines containing `required`).
        case everyNth(String, required: String, count: Int)
    }

    /// The check's name, in kebab case (`kernel-panic`): what findings carry and tests suppress.
    public var name: String
    /// kola's description of the check (`kernel panic`), as its messages print it.
    public var description: String
    /// kola's Go regular expression, verbatim.
    public var kolaPattern: String
    /// The `register.Flag` with which a kola test skips this check, if there is one.
    public var kolaFlag: String?
    public var matcher: Matcher

    public init(name: String, description: String, kolaPattern: String, kolaFlag: String? = nil, matcher: Matcher) {
        self.name = name
        self.description = description
        self.kolaPattern = kolaPattern
        self.kolaFlag = kolaFlag
        self.matcher = matcher
    }

    /// A check compiled for scanning one log: it keeps the count of the `everyNth` matcher.
    /// Literals are searched as bytes, as kola's Go expressions search them, and quickly.
    struct Scanner {
        let check: ConsoleCheck
        private let literals: [[UInt8]]
        private let regex: Regex<AnyRegexOutput>?
        private var occurrences = 0

        init(_ check: ConsoleCheck) {
            self.check = check
            switch check.matcher {
            case .anyOf(let strings):
                literals = strings.map { Array($0.utf8) }
                regex = nil
            case .regex(let source, let required), .everyNth(let source, let required, _):
                literals = [Array(required.utf8)]
                // The table's expressions are constants, compiled by the tests.
                regex = try! Regex(source).asciiOnlyDigits().matchingSemantics(.unicodeScalar)  // swiftlint:disable:this force_try
            }
        }

        /// Whether `line` (one line of the log, in order; `bytes` is its UTF-8) is a finding.
        mutating func matches(_ line: Substring, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard literals.contains(where: { Self.find($0, in: bytes) }) else { return false }
            switch check.matcher {
            case .anyOf:
                return true
            case .regex:
                return regex.map { line.contains($0) } ?? false
            case .everyNth(_, _, let count):
                let before = occurrences
                occurrences += regex.map { line.matches(of: $0).count } ?? 0
                return occurrences / count > before / count
            }
        }

        private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
            var start = 0
            let last = haystack.count - needle.count
            while start <= last {
                if haystack[start] == first {
                    var offset = 1
                    while offset < needle.count, haystack[start + offset] == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
