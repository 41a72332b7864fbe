public import Foundation

/// When a team is at work: a time zone, a regular week of open windows, and the dates
/// that depart from it (holidays, short days).
///
/// Business time is elapsed real time inside open windows, where an instant is open when
/// its local wall time falls inside an open window of its local date. A DST day's
/// 09:00-17:00 is therefore 8 real hours, a window over the skipped hour is one hour
/// shorter, and one over the repeated hour one hour longer. Instants are handled to the
/// second; fractions of a second are dropped.
public final class BusinessCalendar: Sendable {
    /// The name the configuration knows this calendar by.
    public let name: String
    /// The zone whose wall clock the windows and dates are read in.
    public let timeZone: TimeZone
    /// The regular week, before holidays and short days.
    public let week: WeeklySchedule
    /// Holidays and short days by date.
    public let holidays: [LocalDate: Holiday]
    /// True for the built-in `24x7` calendar, which is open at every instant.
    public let isAlwaysOpen: Bool
    private let timeline: BusinessTimeline?

    /// How far ahead `adding` and `nextOpen` look before giving up on a calendar that is
    /// (almost) never open.
    public static let searchLimitYears = 100

    /// Creates a calendar; when a date has both a closure and a short day, the closure wins.
    public init(name: String, timeZone: TimeZone, week: WeeklySchedule, holidays: [Holiday] = []) {
        self.name = name
        self.timeZone = timeZone
        self.week = week
        var byDate: [LocalDate: Holiday] = [:]
        for holiday in holidays where byDate[holiday.date] == nil || holiday.hours == nil {
            // A full closure wins over a short day on the same date.
            byDate[holiday.date] = holiday
        }
        self.holidays = byDate
        self.isAlwaysOpen = false
        let week = week, table = byDate
        self.timeline = BusinessTimeline(zone: timeZone) { date in
            BusinessCalendar.rule(on: date, week: week, holidays: table)
        }
    }

    private init(alwaysOpenNamed name: String) {
        self.name = name
        self.timeZone = TimeZone(identifier: "UTC")!
        self.week = .allDay
        self.holidays = [:]
        self.isAlwaysOpen = true
        self.timeline = nil
    }

    /// The built-in calendar `24x7`: open at every instant, no holidays.
    public static let alwaysOpen = BusinessCalendar(alwaysOpenNamed: "24x7")

    /// What governs a local date: the week, a holiday, or a short day.
    public func rule(on date: LocalDate) -> DayRule {
        BusinessCalendar.rule(on: date, week: week, holidays: holidays)
    }

    private static func rule(on date: LocalDate, week: WeeklySchedule, holidays: [LocalDate: Holiday]) -> DayRule {
        if let holiday = holidays[date] {
            return holiday.hours == nil ? .holiday(holiday) : .shortDay(holiday)
        }
        return .regular(week[date.weekday])
    }

    /// The local date, in this calendar's zone, of an instant.
    public func localDate(of instant: Date) -> LocalDate {
        let t = seconds(instant)
        let wall = t + Int64(timeZone.secondsFromGMT(for: instant))
        return LocalDate(daysSinceEpoch: Int(floorDiv(wall, 86_400)))
    }

    // MARK: Business-time arithmetic

    /// The instant at which `seconds` of open time have accumulated from `start`.
    ///
    /// Adding 0 returns `start` itself. A positive amount that is reached exactly at the
    /// end of an open window returns that end (Friday 17:00, not Monday 09:00). Nil when
    /// the calendar does not accumulate that much within `searchLimitYears`.
    public func adding(_ seconds: Int, to start: Date) -> Date? {
        adding(Int64(seconds), toEpoch: self.seconds(start)).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// Open seconds in `[from, to)`; 0 when `to` is not after `from`.
    public func duration(from: Date, to: Date) -> Int {
        Int(duration(fromEpoch: seconds(from), toEpoch: seconds(to)))
    }

    /// The first open instant at or after `instant`, or nil when none comes within
    /// `searchLimitYears`.
    public func nextOpen(atOrAfter instant: Date) -> Date? {
        nextOpen(atOrAfterEpoch: seconds(instant)).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// True when `instant` lies inside an open window.
    public func isOpen(at instant: Date) -> Bool {
        let t = seconds(instant)
        guard let timeline else { return true }
        let table = timeline.table(covering: t)
        let i = table.firstSpan(endingAfter: t)
        return i < table.starts.count && table.starts[i] <= t
    }

    /// The open spans that intersect `[from, to)`, clipped to it, in order; spans that
    /// touch (a night shift across midnight) are one interval.
    public func openIntervals(from: Date, to: Date) -> [DateInterval] {
        let a = seconds(from), b = seconds(to)
        guard a < b else { return [] }
        guard let timeline else { return [DateInterval(start: from, end: to)] }
        var table = timeline.table(covering: a)
        if !table.covers(b - 1) { table = timeline.table(covering: b - 1) }
        var result: [DateInterval] = []
        var i = table.firstSpan(endingAfter: a)
        while i < table.starts.count && table.starts[i] < b {
            result.append(DateInterval(
                start: Date(timeIntervalSince1970: TimeInterval(max(table.starts[i], a))),
                end: Date(timeIntervalSince1970: TimeInterval(min(table.ends[i], b)))
            ))
            i += 1
        }
        return result
    }

    // MARK: Epoch-second forms, for the clock hot path

    /// `adding(_:to:)` on epoch seconds.
    public func adding(_ amount: Int64, toEpoch start: Int64) -> Int64? {
        guard amount > 0 else { return start }
        guard let timeline else { return start + amount }
        var table = timeline.table(covering: start)
        let needed = table.openSeconds(before: start) + amount
        let lastYear = table.firstYear + 2 + BusinessCalendar.searchLimitYears
        while needed > table.total {
            guard table.lastYear < lastYear else { return nil }
            table = timeline.table(extending: table, byYears: 2)
        }
        return table.instant(reaching: needed)
    }

    /// `duration(from:to:)` on epoch seconds.
    public func duration(fromEpoch a: Int64, toEpoch b: Int64) -> Int64 {
        guard a < b else { return 0 }
        guard let timeline else { return b - a }
        var table = timeline.table(covering: a)
        if !table.covers(b) { table = timeline.table(covering: b) }
        return table.openSeconds(before: b) - table.openSeconds(before: a)
    }

    /// `nextOpen(atOrAfter:)` on epoch seconds.
    public func nextOpen(atOrAfterEpoch t: Int64) -> Int64? {
        guard let timeline else { return t }
        var table = timeline.table(covering: t)
        let lastYear = table.firstYear + 2 + BusinessCalendar.searchLimitYears
        while true {
            let i = table.firstSpan(endingAfter: t)
            if i < table.starts.count { return max(table.starts[i], t) }
            guard table.lastYear < lastYear else { return nil }
            table = timeline.table(extending: table, byYears: 2)
        }
    }

    @inline(__always)
    func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
