import Foundation
import BusinessTime

// Expected values in this suite are worked out by hand and written as RFC 3339 text with
// the local UTC offset, so a reader can check them against a wall calendar.

/// The instant an RFC 3339 text names, e.g. `2026-11-23T13:00:00-05:00`.
func instant(_ text: String) -> Date {
    guard let date = try? Date(text, strategy: .iso8601) else { fatalError("test instant \(text) is not RFC 3339") }
    return date
}

func day(_ iso: String) -> LocalDate {
    guard let date = LocalDate(iso: iso) else { fatalError("test date \(iso) is not YYYY-MM-DD") }
    return date
}

func window(_ text: String) -> TimeWindow {
    do { return try TimeWindow(parsing: text) } catch { fatalError("test window \(text): \(error)") }
}

func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("no time zone \(identifier)") }
    return zone
}

func hours(_ count: Int) -> Int { count * 3600 }

/// A week written as in the configuration: `["mon-fri": ["09:00-17:00"]]`.
func week(_ days: [String: [String]]) -> WeeklySchedule {
    var windows: [Weekday: [TimeWindow]] = [:]
    for (key, texts) in days {
        guard let weekdays = Weekday.days(inKey: key) else { fatalError("test week key \(key)") }
        for weekday in weekdays { windows[weekday, default: []] += texts.map(window) }
    }
    return WeeklySchedule(windows)
}

/// The calendars the examples run on.
enum Calendars {
    /// `America/New_York`, 09:00-17:00 Monday to Friday, with Thanksgiving, Christmas and
    /// New Year's Day closed and a 09:00-13:00 short day on Christmas Eve 2026.
    static let newYork = BusinessCalendar(
        name: "us-office", timeZone: zone("America/New_York"), week: week(["mon-fri": ["09:00-17:00"]]),
        holidays: [
            Holiday(date: day("2026-11-26"), name: "Thanksgiving"),
            Holiday(date: day("2026-12-24"), name: "Christmas Eve", hours: [window("09:00-13:00")]),
            Holiday(date: day("2026-12-25"), name: "Christmas Day"),
            Holiday(date: day("2027-01-01"), name: "New Year's Day"),
        ]
    )

    /// `Europe/Berlin` with a lunch break: 08:00-12:00 and 13:00-17:00 Monday to Thursday,
    /// 08:00-15:00 on Friday.
    static let berlin = BusinessCalendar(
        name: "berlin", timeZone: zone("Europe/Berlin"),
        week: week(["mon-thu": ["08:00-12:00", "13:00-17:00"], "fri": ["08:00-15:00"]])
    )

    /// `Asia/Kolkata` (UTC+05:30 all year), 09:30-18:30 Monday to Friday.
    static let kolkata = BusinessCalendar(
        name: "kolkata", timeZone: zone("Asia/Kolkata"), week: week(["mon-fri": ["09:30-18:30"]])
    )

    /// `Asia/Tokyo` (UTC+09:00 all year), 09:00-18:00 Monday to Friday.
    static let tokyo = BusinessCalendar(
        name: "tokyo", timeZone: zone("Asia/Tokyo"), week: week(["mon-fri": ["09:00-18:00"]])
    )

    /// A zone's calendar open around the clock every day, so business time is real time.
    static func allDay(_ identifier: String) -> BusinessCalendar {
        BusinessCalendar(name: "all-day", timeZone: zone(identifier), week: week(["mon-sun": ["00:00-24:00"]]))
    }

    /// A calendar open only on `date`, in `hours`: isolates one day's windows.
    static func only(_ date: String, _ hours: [String], in identifier: String) -> BusinessCalendar {
        BusinessCalendar(
            name: "one-day", timeZone: zone(identifier), week: WeeklySchedule(),
            holidays: [Holiday(date: day(date), hours: hours.map(window))]
        )
    }
}
