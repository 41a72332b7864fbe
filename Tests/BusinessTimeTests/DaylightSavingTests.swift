import Foundation
import Testing
import BusinessTime

/// One day's window on a daylight-saving day, worked out by hand.
struct DSTDay: Sendable, CustomTestStringConvertible {
    let zone: String
    let date: String
    let window: String
    let seconds: Int
    /// The open intervals in UTC, `start/end` each.
    let intervals: [String]

    var testDescription: String { "\(zone) \(date) \(window)" }
}

/// Business time is elapsed real time: New York springs forward on 2026-03-08 at 02:00
/// (EST -05:00 → EDT -04:00, at 07:00Z) and falls back on 2026-11-01 at 02:00 (EDT → EST,
/// at 06:00Z); Berlin on 2026-03-29 at 02:00 → 03:00 (CET +01:00 → CEST +02:00, at
/// 01:00Z) and on 2026-10-25 at 03:00 → 02:00 (at 01:00Z).
@Suite struct DaylightSavingTests {
    static let days: [DSTDay] = [
        DSTDay(zone: "America/New_York", date: "2026-03-08", window: "09:00-17:00", seconds: hours(8),
               intervals: ["2026-03-08T13:00:00Z/2026-03-08T21:00:00Z"]),
        // 01:00-02:00 EST, then 03:00-04:00 EDT.
        DSTDay(zone: "America/New_York", date: "2026-03-08", window: "01:00-04:00", seconds: hours(2),
               intervals: ["2026-03-08T06:00:00Z/2026-03-08T08:00:00Z"]),
        // A wall time that never happens.
        DSTDay(zone: "America/New_York", date: "2026-03-08", window: "02:00-03:00", seconds: 0, intervals: []),
        DSTDay(zone: "America/New_York", date: "2026-03-08", window: "02:30-05:00", seconds: hours(2),
               intervals: ["2026-03-08T07:00:00Z/2026-03-08T09:00:00Z"]),
        DSTDay(zone: "America/New_York", date: "2026-03-08", window: "00:00-24:00", seconds: hours(23),
               intervals: ["2026-03-08T05:00:00Z/2026-03-09T04:00:00Z"]),
        DSTDay(zone: "America/New_York", date: "2026-11-01", window: "09:00-17:00", seconds: hours(8),
               intervals: ["2026-11-01T14:00:00Z/2026-11-01T22:00:00Z"]),
        // 01:00-02:00 EDT, 01:00-02:00 EST again, 02:00-04:00 EST.
        DSTDay(zone: "America/New_York", date: "2026-11-01", window: "01:00-04:00", seconds: hours(4),
               intervals: ["2026-11-01T05:00:00Z/2026-11-01T09:00:00Z"]),
        // 01:30-02:00 EDT; 01:00-01:30 EST is outside the window; 01:30-02:30 EST.
        DSTDay(zone: "America/New_York", date: "2026-11-01", window: "01:30-02:30", seconds: 5400,
               intervals: ["2026-11-01T05:30:00Z/2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z/2026-11-01T07:30:00Z"]),
        DSTDay(zone: "America/New_York", date: "2026-11-01", window: "00:00-24:00", seconds: hours(25),
               intervals: ["2026-11-01T04:00:00Z/2026-11-02T05:00:00Z"]),
        DSTDay(zone: "Europe/Berlin", date: "2026-03-29", window: "09:00-17:00", seconds: hours(8),
               intervals: ["2026-03-29T07:00:00Z/2026-03-29T15:00:00Z"]),
        DSTDay(zone: "Europe/Berlin", date: "2026-03-29", window: "01:00-04:00", seconds: hours(2),
               intervals: ["2026-03-29T00:00:00Z/2026-03-29T02:00:00Z"]),
        DSTDay(zone: "Europe/Berlin", date: "2026-03-29", window: "00:00-24:00", seconds: hours(23),
               intervals: ["2026-03-28T23:00:00Z/2026-03-29T22:00:00Z"]),
        DSTDay(zone: "Europe/Berlin", date: "2026-10-25", window: "09:00-17:00", seconds: hours(8),
               intervals: ["2026-10-25T08:00:00Z/2026-10-25T16:00:00Z"]),
        DSTDay(zone: "Europe/Berlin", date: "2026-10-25", window: "01:00-04:00", seconds: hours(4),
               intervals: ["2026-10-24T23:00:00Z/2026-10-25T03:00:00Z"]),
        DSTDay(zone: "Europe/Berlin", date: "2026-10-25", window: "00:00-24:00", seconds: hours(25),
               intervals: ["2026-10-24T22:00:00Z/2026-10-25T23:00:00Z"]),
    ]

    @Test(arguments: days)
    func windowIsRealHours(_ example: DSTDay) {
        let calendar = Calendars.only(example.date, [example.window], in: example.zone)
        // Forty days around the day, of which only that day is open.
        let from = instant("2026-\(example.date.dropFirst(5).prefix(2))-01T00:00:00Z")
        let to = from.addingTimeInterval(40 * 86_400)
        #expect(calendar.duration(from: from, to: to) == example.seconds)
        let expected = example.intervals.map { text in
            let ends = text.split(separator: "/").map { instant(String($0)) }
            return DateInterval(start: ends[0], end: ends[1])
        }
        #expect(calendar.openIntervals(from: from, to: to) == expected)
        if let first = expected.first {
            #expect(calendar.nextOpen(atOrAfter: from) == first.start)
            #expect(calendar.adding(example.seconds, to: from) == expected.last?.end)
        }
    }

    @Test(arguments: [
        // Mon-Fri 09:00-17:00: 1 h on Friday in EST, 1 h on Monday in EDT.
        ("America/New_York", "2026-03-06T16:00:00-05:00", hours(2), "2026-03-09T10:00:00-04:00"),
        ("America/New_York", "2026-10-30T16:00:00-04:00", hours(2), "2026-11-02T10:00:00-05:00"),
        // Open around the clock: 24 real hours is 25 or 23 hours on the wall clock.
        ("all-day America/New_York", "2026-03-07T12:00:00-05:00", hours(24), "2026-03-08T13:00:00-04:00"),
        ("all-day America/New_York", "2026-10-31T12:00:00-04:00", hours(24), "2026-11-01T11:00:00-05:00"),
        ("all-day Europe/Berlin", "2026-03-29T00:30:00+01:00", hours(3), "2026-03-29T04:30:00+02:00"),
        ("all-day Europe/Berlin", "2026-10-25T00:30:00+02:00", hours(3), "2026-10-25T02:30:00+01:00"),
    ])
    func addingAcrossTheChange(calendar name: String, start: String, seconds: Int, due: String) {
        let calendar = name.hasPrefix("all-day ")
            ? Calendars.allDay(String(name.dropFirst("all-day ".count)))
            : Calendars.newYork
        #expect(calendar.adding(seconds, to: instant(start)) == instant(due))
        #expect(calendar.duration(from: instant(start), to: instant(due)) == seconds)
    }

    @Test func addingThroughTheRepeatedHourLandsOnTheSecondPass() {
        // Berlin 01:00-04:00 on 2026-10-25: 3 real hours from 01:00 CEST is 03:00 CET,
        // with an hour of the window still to come.
        let calendar = Calendars.only("2026-10-25", ["01:00-04:00"], in: "Europe/Berlin")
        #expect(calendar.adding(hours(3), to: instant("2026-10-25T01:00:00+02:00")) == instant("2026-10-25T03:00:00+01:00"))
        #expect(calendar.isOpen(at: instant("2026-10-25T02:30:00+02:00")))
        #expect(calendar.isOpen(at: instant("2026-10-25T02:30:00+01:00")))
        #expect(!calendar.isOpen(at: instant("2026-10-25T04:00:00+01:00")))
    }

    @Test func localDateFollowsTheOffsetInForce() {
        let calendar = Calendars.newYork
        // 23:30 EDT on 31 October, then 23:30 EST on 1 November.
        #expect(calendar.localDate(of: instant("2026-11-01T03:30:00Z")) == day("2026-10-31"))
        #expect(calendar.localDate(of: instant("2026-11-02T04:30:00Z")) == day("2026-11-01"))
        #expect(calendar.localDate(of: instant("2026-11-02T05:00:00Z")) == day("2026-11-02"))
    }
}
