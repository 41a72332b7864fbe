import Foundation
import Testing
import BusinessTime

/// Examples on `Calendars.newYork`: 09:00-17:00 Monday to Friday in New York, November and
/// December 2026 being EST (UTC-05:00); 2026-11-20 is a Friday.
@Suite struct NewYorkOfficeTests {
    let calendar = Calendars.newYork

    @Test(arguments: [
        // The seed case: a ticket at Friday's close with a 4-hour target is due Monday 13:00.
        ("2026-11-20T17:00:00-05:00", hours(4), "2026-11-23T13:00:00-05:00"),
        // Thanksgiving is skipped: 2 h on Wednesday, 2 h on Friday.
        ("2026-11-25T15:00:00-05:00", hours(4), "2026-11-27T11:00:00-05:00"),
        // Reached exactly at a window's end: that end, not the next opening.
        ("2026-11-20T13:00:00-05:00", hours(4), "2026-11-20T17:00:00-05:00"),
        ("2026-11-16T09:00:00-05:00", hours(40), "2026-11-20T17:00:00-05:00"),
        // From a Saturday.
        ("2026-11-21T10:00:00-05:00", 1800, "2026-11-23T09:30:00-05:00"),
        // Seconds: 30 s on Friday, 15 s on Monday.
        ("2026-11-20T16:59:30-05:00", 45, "2026-11-23T09:00:15-05:00"),
        // The 09:00-13:00 short day on Christmas Eve: 1 h on the 23rd, 2 h on the 24th.
        ("2026-12-23T16:00:00-05:00", hours(3), "2026-12-24T11:00:00-05:00"),
        // 1 h left of the short day, Christmas and the weekend closed, 1 h on Monday.
        ("2026-12-24T12:00:00-05:00", hours(2), "2026-12-28T10:00:00-05:00"),
        // Across the new year, New Year's Day closed.
        ("2026-12-31T16:00:00-05:00", hours(2), "2027-01-04T10:00:00-05:00"),
    ])
    func adding(start: String, seconds: Int, due: String) {
        #expect(calendar.adding(seconds, to: instant(start)) == instant(due))
    }

    @Test(arguments: ["2026-11-20T17:00:00-05:00", "2026-11-21T10:00:00-05:00", "2026-11-24T10:15:00-05:00"])
    func addingNothingReturnsTheStart(start: String) {
        #expect(calendar.adding(0, to: instant(start)) == instant(start))
    }

    @Test(arguments: [
        ("2026-11-20T17:00:00-05:00", "2026-11-23T13:00:00-05:00", hours(4)),
        ("2026-11-16T00:00:00-05:00", "2026-11-23T00:00:00-05:00", hours(40)),
        // Wednesday 8 h, Thanksgiving 0, Friday 8 h.
        ("2026-11-25T00:00:00-05:00", "2026-11-28T00:00:00-05:00", hours(16)),
        ("2026-12-24T00:00:00-05:00", "2026-12-25T00:00:00-05:00", hours(4)),
        // 2 h on 31 December, none on New Year's Day, 1 h on Monday.
        ("2026-12-31T15:00:00-05:00", "2027-01-04T10:00:00-05:00", hours(3)),
        ("2026-11-21T00:00:00-05:00", "2026-11-23T00:00:00-05:00", 0),
        ("2026-11-23T13:00:00-05:00", "2026-11-20T17:00:00-05:00", 0),
        ("2026-11-23T13:00:00-05:00", "2026-11-23T13:00:00-05:00", 0),
    ])
    func duration(from: String, to: String, seconds: Int) {
        #expect(calendar.duration(from: instant(from), to: instant(to)) == seconds)
    }

    @Test(arguments: [
        ("2026-11-20T17:00:00-05:00", "2026-11-23T09:00:00-05:00"),
        ("2026-11-20T08:59:59-05:00", "2026-11-20T09:00:00-05:00"),
        ("2026-11-24T10:15:00-05:00", "2026-11-24T10:15:00-05:00"),
        ("2026-11-25T17:30:00-05:00", "2026-11-27T09:00:00-05:00"),
        ("2026-12-24T13:00:00-05:00", "2026-12-28T09:00:00-05:00"),
    ])
    func nextOpen(at: String, open: String) {
        #expect(calendar.nextOpen(atOrAfter: instant(at)) == instant(open))
    }

    @Test(arguments: [
        ("2026-11-20T09:00:00-05:00", true),
        ("2026-11-20T16:59:59-05:00", true),
        ("2026-11-20T17:00:00-05:00", false),
        ("2026-11-20T08:59:59-05:00", false),
        ("2026-11-21T12:00:00-05:00", false),
        ("2026-11-26T12:00:00-05:00", false),
        ("2026-12-24T12:59:59-05:00", true),
        ("2026-12-24T13:00:00-05:00", false),
    ])
    func isOpen(at: String, open: Bool) {
        #expect(calendar.isOpen(at: instant(at)) == open)
    }

    @Test func openIntervalsAreClippedToTheRange() {
        let intervals = calendar.openIntervals(from: instant("2026-11-25T12:00:00-05:00"), to: instant("2026-11-27T10:00:00-05:00"))
        #expect(intervals == [
            DateInterval(start: instant("2026-11-25T12:00:00-05:00"), end: instant("2026-11-25T17:00:00-05:00")),
            DateInterval(start: instant("2026-11-27T09:00:00-05:00"), end: instant("2026-11-27T10:00:00-05:00")),
        ])
        #expect(calendar.openIntervals(from: instant("2026-11-27T10:00:00-05:00"), to: instant("2026-11-25T12:00:00-05:00")).isEmpty)
        #expect(calendar.openIntervals(from: instant("2026-11-26T00:00:00-05:00"), to: instant("2026-11-27T00:00:00-05:00")).isEmpty)
    }

    @Test func localDateIsTheWallCalendarDateInTheZone() {
        #expect(calendar.localDate(of: instant("2026-11-21T04:59:59Z")) == day("2026-11-20"))
        #expect(calendar.localDate(of: instant("2026-11-21T05:00:00Z")) == day("2026-11-21"))
    }

    @Test func ruleNamesWhatGovernsADate() {
        #expect(calendar.rule(on: day("2026-11-26")) == .holiday(Holiday(date: day("2026-11-26"), name: "Thanksgiving")))
        #expect(calendar.rule(on: day("2026-12-24")).windows == [window("09:00-13:00")])
        #expect(calendar.rule(on: day("2026-11-27")) == .regular([window("09:00-17:00")]))
        #expect(calendar.rule(on: day("2026-11-28")) == .regular([]))
    }

    @Test(arguments: [false, true])
    func aClosedDayWinsOverAShortDayOnTheSameDate(closedFirst: Bool) {
        let closed = Holiday(date: day("2026-12-24"), name: "closed")
        let short = Holiday(date: day("2026-12-24"), name: "short", hours: [window("09:00-13:00")])
        let calendar = BusinessCalendar(
            name: "x", timeZone: zone("America/New_York"), week: week(["mon-fri": ["09:00-17:00"]]),
            holidays: closedFirst ? [closed, short] : [short, closed]
        )
        #expect(calendar.rule(on: day("2026-12-24")) == .holiday(closed))
        #expect(!calendar.isOpen(at: instant("2026-12-24T10:00:00-05:00")))
    }
}

/// The split shift of `Calendars.berlin`; November 2026 in Berlin is CET (UTC+01:00).
@Suite struct SplitShiftTests {
    let calendar = Calendars.berlin

    @Test(arguments: [
        // 1 h before lunch, 1 h after.
        ("2026-11-23T11:00:00+01:00", hours(2), "2026-11-23T14:00:00+01:00"),
        // The morning window's end, not 13:00.
        ("2026-11-23T08:00:00+01:00", hours(4), "2026-11-23T12:00:00+01:00"),
        // From lunch.
        ("2026-11-23T12:30:00+01:00", 1800, "2026-11-23T13:30:00+01:00"),
        // Thursday's last hour, then Friday's single window.
        ("2026-11-26T16:00:00+01:00", hours(3), "2026-11-27T10:00:00+01:00"),
        // Friday closes at 15:00.
        ("2026-11-27T14:00:00+01:00", hours(2), "2026-11-30T09:00:00+01:00"),
    ])
    func adding(start: String, seconds: Int, due: String) {
        #expect(calendar.adding(seconds, to: instant(start)) == instant(due))
    }

    @Test func aWeekIsFourEightHourDaysAndASevenHourFriday() {
        #expect(calendar.duration(from: instant("2026-11-23T00:00:00+01:00"), to: instant("2026-11-30T00:00:00+01:00")) == hours(39))
    }

    @Test func lunchIsClosed() {
        #expect(!calendar.isOpen(at: instant("2026-11-23T12:30:00+01:00")))
        #expect(calendar.nextOpen(atOrAfter: instant("2026-11-23T12:30:00+01:00")) == instant("2026-11-23T13:00:00+01:00"))
        #expect(calendar.openIntervals(from: instant("2026-11-23T11:00:00+01:00"), to: instant("2026-11-23T14:00:00+01:00")) == [
            DateInterval(start: instant("2026-11-23T11:00:00+01:00"), end: instant("2026-11-23T12:00:00+01:00")),
            DateInterval(start: instant("2026-11-23T13:00:00+01:00"), end: instant("2026-11-23T14:00:00+01:00")),
        ])
    }
}

/// Zones without daylight saving time, one of them half an hour off the hour.
@Suite struct FixedOffsetZoneTests {
    @Test func kolkata() {
        let calendar = Calendars.kolkata
        // 1.5 h on Friday to 18:30, 2.5 h from Monday 09:30.
        #expect(calendar.adding(hours(4), to: instant("2026-11-20T17:00:00+05:30")) == instant("2026-11-23T12:00:00+05:30"))
        #expect(calendar.adding(hours(4), to: instant("2026-11-20T11:30:00Z")) == instant("2026-11-23T06:30:00Z"))
        #expect(calendar.duration(from: instant("2026-11-16T00:00:00+05:30"), to: instant("2026-11-21T00:00:00+05:30")) == hours(45))
        #expect(calendar.isOpen(at: instant("2026-11-20T04:00:00Z")))
        #expect(!calendar.isOpen(at: instant("2026-11-20T03:59:59Z")))
        #expect(calendar.nextOpen(atOrAfter: instant("2026-11-20T13:00:00Z")) == instant("2026-11-23T04:00:00Z"))
        #expect(calendar.localDate(of: instant("2026-11-20T18:29:59Z")) == day("2026-11-20"))
        #expect(calendar.localDate(of: instant("2026-11-20T18:30:00Z")) == day("2026-11-21"))
    }

    @Test func tokyo() {
        let calendar = Calendars.tokyo
        #expect(calendar.adding(hours(4), to: instant("2026-11-20T17:00:00+09:00")) == instant("2026-11-23T12:00:00+09:00"))
        #expect(calendar.isOpen(at: instant("2026-11-20T00:00:00Z")))
        #expect(!calendar.isOpen(at: instant("2026-11-19T23:59:59Z")))
        #expect(calendar.localDate(of: instant("2026-11-20T15:30:00Z")) == day("2026-11-21"))
    }

    @Test(arguments: ["Asia/Kolkata", "Asia/Tokyo"])
    func everyDayOfAYearIsTwentyFourHours(zoneID: String) {
        let calendar = Calendars.allDay(zoneID)
        let newYear = zoneID == "Asia/Kolkata" ? "+05:30" : "+09:00"
        let from = instant("2026-01-01T00:00:00\(newYear)"), to = instant("2027-01-01T00:00:00\(newYear)")
        #expect(calendar.duration(from: from, to: to) == 365 * hours(24))
        #expect(calendar.openIntervals(from: from, to: to) == [DateInterval(start: from, end: to)])
    }
}

/// Long ranges: the span table is built a local year at a time.
@Suite struct LongRangeTests {
    // 2024-01-01 and 2035-01-01 are both Mondays, 4018 days = 574 weeks apart.

    @Test func durationOverElevenYears() {
        let from = instant("2024-01-01T00:00:00+09:00"), to = instant("2035-01-01T00:00:00+09:00")
        // 574 weeks of five 9-hour days.
        #expect(Calendars.tokyo.duration(from: from, to: to) == 574 * 5 * hours(9))
        #expect(BusinessCalendar.alwaysOpen.duration(from: from, to: to) == 4018 * hours(24))
    }

    @Test func addingOverElevenYearsEndsAtTheLastWindowsClose() {
        // Friday 2034-12-29 is the last working day before Monday 2035-01-01.
        #expect(Calendars.tokyo.adding(574 * 5 * hours(9), to: instant("2024-01-01T00:00:00+09:00")) == instant("2034-12-29T18:00:00+09:00"))
    }

    @Test func daylightSavingEvensOutOverWholeYears() {
        let from = instant("2024-01-01T00:00:00-05:00"), to = instant("2035-01-01T00:00:00-05:00")
        #expect(Calendars.allDay("America/New_York").duration(from: from, to: to) == 4018 * hours(24))
    }

    @Test func openIntervalsJoinAcrossTheNewYear() {
        let from = instant("2026-12-31T12:00:00+09:00"), to = instant("2027-01-01T12:00:00+09:00")
        #expect(Calendars.allDay("Asia/Tokyo").openIntervals(from: from, to: to) == [DateInterval(start: from, end: to)])
    }
}

@Suite struct AlwaysOpenTests {
    let calendar = BusinessCalendar.alwaysOpen

    @Test func isTheBuiltIn24x7() {
        #expect(calendar.name == "24x7")
        #expect(calendar.isAlwaysOpen)
    }

    @Test func businessTimeIsRealTime() {
        let start = instant("2026-11-20T17:00:00-05:00")
        #expect(calendar.adding(hours(4), to: start) == instant("2026-11-20T21:00:00-05:00"))
        #expect(calendar.adding(0, to: start) == start)
        #expect(calendar.duration(from: start, to: instant("2026-11-23T13:00:00-05:00")) == hours(68))
        #expect(calendar.nextOpen(atOrAfter: start) == start)
        #expect(calendar.isOpen(at: instant("2026-12-25T03:00:00Z")))
        #expect(calendar.openIntervals(from: start, to: instant("2026-11-21T17:00:00-05:00")) == [
            DateInterval(start: start, end: instant("2026-11-21T17:00:00-05:00")),
        ])
        #expect(calendar.localDate(of: instant("2026-11-20T23:30:00-05:00")) == day("2026-11-21"))
    }

    @Test func epochFormsAgree() {
        #expect(calendar.adding(3600, toEpoch: 1_795_456_800) == 1_795_460_400)
        #expect(calendar.duration(fromEpoch: 1_795_456_800, toEpoch: 1_795_460_400) == 3600)
        #expect(calendar.nextOpen(atOrAfterEpoch: 1_795_456_800) == 1_795_456_800)
    }
}

@Suite struct NeverOpenTests {
    let calendar = BusinessCalendar(name: "never", timeZone: zone("America/New_York"), week: WeeklySchedule())

    @Test func addingGivesUpInsteadOfHanging() {
        let start = instant("2026-11-20T17:00:00-05:00")
        #expect(calendar.adding(1, to: start) == nil)
        #expect(calendar.adding(0, to: start) == start)
        #expect(calendar.nextOpen(atOrAfter: start) == nil)
        #expect(!calendar.isOpen(at: start))
        #expect(calendar.duration(from: start, to: instant("2036-11-20T17:00:00-05:00")) == 0)
        #expect(calendar.openIntervals(from: start, to: instant("2027-11-20T17:00:00-05:00")).isEmpty)
    }
}

@Suite struct EpochFormTests {
    @Test func agreeWithTheDateForms() {
        // 2026-11-20T22:00:00Z (Friday 17:00 in New York) and 2026-11-23T18:00:00Z.
        let calendar = Calendars.newYork
        #expect(calendar.adding(Int64(hours(4)), toEpoch: 1_795_212_000) == 1_795_456_800)
        #expect(calendar.duration(fromEpoch: 1_795_212_000, toEpoch: 1_795_456_800) == Int64(hours(4)))
        #expect(calendar.nextOpen(atOrAfterEpoch: 1_795_212_000) == 1_795_442_400)
    }
}
