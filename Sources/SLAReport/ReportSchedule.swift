public import Foundation
public import BusinessTime

/// A `reports:` entry: a compliance report sent on a schedule, covering the previous full
/// ISO week (Monday to Monday) or calendar month in the zone of its calendar.
public struct ReportSchedule: Sendable, Hashable {
    /// How often, when the report goes out, and so which period it covers: `every: week`
    /// with `at: "mon 09:00"` (the previous ISO week), or `every: month` with `at: "1 09:00"`
    /// (the previous calendar month; a day of at most 28).
    public enum Cadence: Sendable, Hashable {
        case weekly(Weekday, secondsPastMidnight: Int)
        case monthly(day: Int, secondsPastMidnight: Int)
    }

    /// `name`: names the report in its idempotency key; default `weekly` or `monthly`.
    public var name: String
    public var cadence: Cadence
    /// `calendar`: whose zone the schedule and the period are read in; default `24x7` (UTC).
    public var calendar: String
    public var zone: ReportZone
    /// `by`: the grouping; default none.
    public var by: [ReportDimension]
    /// `to`: the channels the report goes to.
    public var to: [String]

    public init(name: String, cadence: Cadence, calendar: String, zone: ReportZone, by: [ReportDimension], to: [String]) {
        self.name = name
        self.cadence = cadence
        self.calendar = calendar
        self.zone = zone
        self.by = by
        self.to = to
    }

    /// The most recent period whose report was due by `now`: when it was due, the period
    /// it covers (`since` inclusive, `until` exclusive) and its label (`2026-W48`, `2026-11`).
    public func latestPeriod(atOrBefore now: Date) -> ReportPeriod {
        let today = zone.local(now).date
        switch cadence {
        case .weekly(let weekday, let seconds):
            var send = ReportZone.monday(of: today).adding(days: Weekday.allCases.firstIndex(of: weekday)!)
            if zone.instant(send, seconds: seconds) > now { send = send.adding(days: -7) }
            let periodStart = ReportZone.monday(of: send).adding(days: -7)
            return ReportPeriod(
                dueAt: zone.instant(send, seconds: seconds), since: zone.instant(periodStart),
                until: zone.instant(periodStart.adding(days: 7)), label: ReportZone.weekLabel(periodStart))
        case .monthly(let day, let seconds):
            var send = LocalDate(year: today.year, month: today.month, day: day)!
            if zone.instant(send, seconds: seconds) > now { send = ReportSchedule.month(before: send, day: day) }
            let thisMonth = LocalDate(year: send.year, month: send.month, day: 1)!
            let periodStart = ReportSchedule.month(before: thisMonth, day: 1)
            let label = "\(periodStart.year)-\(periodStart.month < 10 ? "0" : "")\(periodStart.month)"
            return ReportPeriod(
                dueAt: zone.instant(send, seconds: seconds), since: zone.instant(periodStart),
                until: zone.instant(thisMonth), label: label)
        }
    }

    /// The first instant after `now` a report of this schedule is due.
    public func nextDue(after now: Date) -> Date {
        let latest = latestPeriod(atOrBefore: now).dueAt
        let sent = zone.local(latest)
        switch cadence {
        case .weekly:
            return zone.instant(sent.date.adding(days: 7), seconds: sent.seconds)
        case .monthly(let day, _):
            let next = sent.date.month == 12
                ? LocalDate(year: sent.date.year + 1, month: 1, day: day)! : LocalDate(year: sent.date.year, month: sent.date.month + 1, day: day)!
            return zone.instant(next, seconds: sent.seconds)
        }
    }

    static func month(before date: LocalDate, day: Int) -> LocalDate {
        date.month == 1 ? LocalDate(year: date.year - 1, month: 12, day: day)! : LocalDate(year: date.year, month: date.month - 1, day: day)!
    }
}

/// One period of a scheduled report.
public struct ReportPeriod: Sendable, Hashable {
    /// When its report is due to go out.
    public var dueAt: Date
    public var since: Date
    public var until: Date
    /// `2026-W48` or `2026-11`.
    public var label: String
}
