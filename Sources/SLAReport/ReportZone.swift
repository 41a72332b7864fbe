public import Foundation
public import BusinessTime

/// The time zone a report reads weeks and months in: local dates of instants, local
/// times back to instants, ISO week labels. Reads the zone's rules, never the clock.
public struct ReportZone: Sendable, Hashable {
    public var timeZone: TimeZone

    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public static let utc = ReportZone(TimeZone(identifier: "UTC")!)

    /// The local date and seconds past local midnight at `instant`.
    public func local(_ instant: Date) -> (date: LocalDate, seconds: Int) {
        let t = Int(instant.timeIntervalSince1970.rounded(.down))
        let local = t + timeZone.secondsFromGMT(for: instant)
        let days = Int((Double(local) / 86_400).rounded(.down))
        return (LocalDate(daysSinceEpoch: days), local - days * 86_400)
    }

    /// The instant the local wall clock shows `seconds` past midnight on `date`. A time
    /// skipped by a DST change is read with the offset before the change (so it lands an
    /// hour later); a repeated time is its first occurrence.
    public func instant(_ date: LocalDate, seconds: Int = 0) -> Date {
        let wall = date.daysSinceEpoch * 86_400 + seconds
        // The offset in force a day before is a good first guess; correct it once or twice.
        var guess = wall - timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall - 86_400)))
        for _ in 0..<2 {
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess)))
            let next = wall - offset
            if next == guess { break }
            guess = next
        }
        return Date(timeIntervalSince1970: TimeInterval(guess))
    }

    /// `2026-W48`: the ISO 8601 week (weeks start on Monday; week 1 holds the year's first
    /// Thursday) of the local date at `instant`.
    public func weekLabel(_ instant: Date) -> String {
        ReportZone.weekLabel(local(instant).date)
    }

    /// The ISO week label of a date.
    public static func weekLabel(_ date: LocalDate) -> String {
        let thursday = date.adding(days: 3 - mondayIndex(date))
        let firstOfYear = LocalDate(year: thursday.year, month: 1, day: 1)!
        let week = (thursday.daysSinceEpoch - firstOfYear.daysSinceEpoch) / 7 + 1
        return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// 0 for Monday … 6 for Sunday.
    static func mondayIndex(_ date: LocalDate) -> Int {
        // 1970-01-05 was a Monday.
        ((date.daysSinceEpoch - 4) % 7 + 7) % 7
    }

    /// The Monday of the week `date` is in.
    static func monday(of date: LocalDate) -> LocalDate {
        date.adding(days: -mondayIndex(date))
    }
}
