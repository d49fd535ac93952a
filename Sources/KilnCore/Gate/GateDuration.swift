/// A span of time in whole seconds as the gate policy writes it: one or more runs of digits,
/// each followed by a unit, largest first, as in `14d`, `36h`, `2w`, `1d12h`, `90m`
/// (`w` weeks, `d` days, `h` hours, `m` minutes, `s` seconds).
public struct GateDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in whole seconds.
    public var seconds: Int

    public init(seconds: Int) {
        self.seconds = seconds
    }

    /// The units, largest first, with their length in seconds.
    static let units: [(name: Character, seconds: Int)] = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// Reads a duration; nil for anything else (no unit, a unit twice or out of order, a sign,
    /// spaces, an empty text).
    public init?(_ text: String) {
        var total = 0
        var digits = ""
        var lastUnit = -1
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let unit = Self.units.firstIndex(where: { $0.name == character }), unit > lastUnit,
                  let value = Int(digits), digits.count <= 9
            else { return nil }
            total += value * Self.units[unit].seconds
            lastUnit = unit
            digits = ""
        }
        guard digits.isEmpty, lastUnit >= 0 else { return nil }
        self.seconds = total
    }

    /// The duration of an interval, rounded down to whole seconds (zero when negative).
    public init(interval: Double) {
        self.seconds = interval > 0 ? Int(interval) : 0
    }

    /// `14d`, `1d12h`, `0s`: the policy's own notation without weeks, so that days stay
    /// readable (`21d`, not `3w`).
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for unit in Self.units.dropFirst() where rest >= unit.seconds {
            text += "\(rest / unit.seconds)\(unit.name)"
            rest %= unit.seconds
        }
        return text
    }

    public static func < (lhs: GateDuration, rhs: GateDuration) -> Bool { lhs.seconds < rhs.seconds }
}
