import Foundation
import Testing
import BusinessTime

/// A night shift, 22:00-06:00 every day in UTC. Each night belongs to the date it starts
/// on: Wednesday 2026-11-25 is a holiday, Friday 2026-11-27 a short day open 23:00-02:00,
/// and 2027-01-01 a holiday.
@Suite struct OvernightWindowTests {
    let calendar = BusinessCalendar(
        name: "night", timeZone: zone("UTC"), week: week(["mon-sun": ["22:00-06:00"]]),
        holidays: [
            Holiday(date: day("2026-11-25")),
            Holiday(date: day("2026-11-27"), hours: [window("23:00-02:00")]),
            Holiday(date: day("2027-01-01")),
        ]
    )

    @Test(arguments: [
        // Tuesday's night runs into the holiday: the holiday does not close it.
        ("2026-11-25T03:00:00Z", true),
        ("2026-11-25T05:59:59Z", true),
        ("2026-11-25T06:00:00Z", false),
        // The holiday's own night is closed, past midnight included.
        ("2026-11-25T22:00:00Z", false),
        ("2026-11-26T03:00:00Z", false),
        ("2026-11-26T22:00:00Z", true),
        // Thursday's night runs into the short day untouched.
        ("2026-11-27T05:00:00Z", true),
        // The short day's night: 23:00-02:00 instead of 22:00-06:00.
        ("2026-11-27T22:30:00Z", false),
        ("2026-11-28T01:30:00Z", true),
        ("2026-11-28T03:00:00Z", false),
        ("2026-11-28T22:00:00Z", true),
        // New Year's Eve's night runs into the New Year's Day holiday, across the year.
        ("2027-01-01T05:00:00Z", true),
        ("2027-01-01T22:00:00Z", false),
    ])
    func isOpen(at: String, open: Bool) {
        #expect(calendar.isOpen(at: instant(at)) == open)
    }

    @Test func durationCountsEachNightOnce() {
        // Monday's night 00-06 (6 h), Tuesday's 8 h, Wednesday none, Thursday's 8 h,
        // Friday's short night 3 h, Saturday's 22-24 (2 h).
        #expect(calendar.duration(from: instant("2026-11-24T00:00:00Z"), to: instant("2026-11-29T00:00:00Z")) == hours(27))
    }

    @Test func addingSkipsTheHolidaysNight() {
        // 7 h to Wednesday 06:00, then Thursday 22:00 + 1 h.
        #expect(calendar.adding(hours(8), to: instant("2026-11-24T23:00:00Z")) == instant("2026-11-26T23:00:00Z"))
        #expect(calendar.nextOpen(atOrAfter: instant("2026-11-25T06:00:00Z")) == instant("2026-11-26T22:00:00Z"))
        #expect(calendar.nextOpen(atOrAfter: instant("2026-11-27T06:00:00Z")) == instant("2026-11-27T23:00:00Z"))
    }

    @Test func aNightAcrossTheNewYearIsOneSpan() {
        let from = instant("2026-12-31T22:00:00Z"), to = instant("2027-01-01T06:00:00Z")
        #expect(calendar.duration(from: from, to: to) == hours(8))
        #expect(calendar.openIntervals(from: instant("2026-12-31T12:00:00Z"), to: instant("2027-01-01T12:00:00Z")) == [
            DateInterval(start: from, end: to),
        ])
        #expect(calendar.adding(hours(2), to: instant("2026-12-31T23:00:00Z")) == instant("2027-01-01T01:00:00Z"))
        // The next night is New Year's Day's, closed; then 2 January's.
        #expect(calendar.adding(hours(9), to: from) == instant("2027-01-02T23:00:00Z"))
    }

    @Test func aNightOverADaylightSavingChangeIsRealHours() {
        let newYork = BusinessCalendar(name: "ny-night", timeZone: zone("America/New_York"), week: week(["mon-sun": ["22:00-06:00"]]))
        // Saturday 31 October 22:00 EDT to Sunday 06:00 EST: 9 hours.
        #expect(newYork.duration(from: instant("2026-10-31T22:00:00-04:00"), to: instant("2026-11-01T06:00:00-05:00")) == hours(9))
        // Saturday 7 March 22:00 EST to Sunday 06:00 EDT: 7 hours.
        #expect(newYork.duration(from: instant("2026-03-07T22:00:00-05:00"), to: instant("2026-03-08T06:00:00-04:00")) == hours(7))
        #expect(newYork.adding(hours(8), to: instant("2026-03-07T22:00:00-05:00")) == instant("2026-03-08T23:00:00-04:00"))
    }
}
