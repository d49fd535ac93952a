internal import Foundation

/// The gate's fixed notations for instants and rates, the same in text and JSON on every host.
enum GateFormatting {
    /// `2026-07-21T14:07:12Z`: UTC, whole seconds (rounded down).
    static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        // swiftlint:disable:next force_unwrapping
        let day = DenylistDate(year: 1970, month: 1, day: 1)!.adding(days: days)
        return "\(day)T\(two(rest / 3_600)):\(two(rest % 3_600 / 60)):\(two(rest % 60))Z"
    }

    /// A rate as a JSON number, to four decimals: `0.2`, `0.3333`.
    static func rate(_ value: Double) -> String {
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() ? String(Int(rounded)) : "\(rounded)"
    }

    /// A rate as a percentage, to one decimal: `20%`, `33.3%`.
    static func percent(_ value: Double) -> String {
        let tenths = Int((value * 1_000).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
