import Foundation
public import KilnCore

extension DenylistDate {
    /// Today in UTC, the day denylist snoozes and new tests' grace periods are measured against.
    public static func today() -> DenylistDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return DenylistDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
