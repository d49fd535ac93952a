/// A shell-style pattern over test names: `*` any run of characters, `?` one character,
/// `[abc]`/`[a-z]`/`[!a]` one character of a set. Everything else matches itself.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    public var description: String { pattern }

    /// A pattern that matches `name` alone: `*`, `?` and `[` in it are put in brackets.
    public static func escaped(_ name: String) -> String {
        name.map { "*?[".contains($0) ? "[\($0)]" : String($0) }.joined()
    }

    /// Whether `name` matches the whole pattern.
    public func matches(_ name: String) -> Bool {
        let text = Array(name.unicodeScalars)
        // Iterative matching with backtracking to the last star: linear in practice.
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < scalars.count, scalars[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if p < scalars.count, let next = matchOne(at: p, text[t]) {
                p = next
                t += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }

    /// The offset (in Unicode scalars) of a `[` that no `]` closes, or nil. `matches` reads such
    /// a `[` as itself, but kola's glob matching rejects the pattern, and so do Kiln's files.
    public var unterminatedBracketOffset: Int? {
        var index = 0
        while index < scalars.count {
            if scalars[index] == "[" {
                // As a class is read: an optional "!" or "^", then a first "]" is a member.
                var end = index + 1
                if end < scalars.count, scalars[end] == "!" || scalars[end] == "^" { end += 1 }
                if end < scalars.count { end += 1 }
                while end < scalars.count, scalars[end] != "]" { end += 1 }
                if end >= scalars.count { return index }
                index = end
            }
            index += 1
        }
        return nil
    }

    /// If the pattern element at `p` matches `c`, the index after that element.
    private func matchOne(at p: Int, _ c: Unicode.Scalar) -> Int? {
        switch scalars[p] {
        case "?": return p + 1
        case "[": return matchClass(at: p, c)
        case let s: return s == c ? p + 1 : nil
        }
    }

    private func matchClass(at start: Int, _ c: Unicode.Scalar) -> Int? {
        var i = start + 1
        var negated = false
        if i < scalars.count, scalars[i] == "!" || scalars[i] == "^" {
            negated = true
            i += 1
        }
        var matched = false
        var first = true
        while i < scalars.count, scalars[i] != "]" || first {
            first = false
            if i + 2 < scalars.count, scalars[i + 1] == "-", scalars[i + 2] != "]" {
                if scalars[i] <= c && c <= scalars[i + 2] { matched = true }
                i += 3
            } else {
                if scalars[i] == c { matched = true }
                i += 1
            }
        }
        // An unterminated class is a literal '['.
        guard i < scalars.count else { return scalars[start] == c ? start + 1 : nil }
        return matched != negated ? i + 1 : nil
    }
}
