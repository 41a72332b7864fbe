import Foundation
import Testing
import BusinessTime

/// iCalendar text from `lines`, joined with CRLF unless told otherwise.
private func ics(_ lines: [String], lineEnding: String = "\r\n") -> String {
    lines.joined(separator: lineEnding) + lineEnding
}

/// A calendar holding one event made of `lines`.
private func event(_ lines: [String]) -> String {
    ics(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:test@example.com"] + lines + ["END:VEVENT", "END:VCALENDAR"])
}

/// The dates of the holidays `text` gives, as `YYYY-MM-DD`.
private func dates(_ text: String, through lastYear: Int = 2035) throws -> [String] {
    try ICalendarHolidays.parse(text, through: lastYear).map(\.date.description)
}

@Suite struct ICalendarFixtureTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/us-holidays.ics")

    static func text() throws -> String { try String(contentsOf: fixture, encoding: .utf8) }

    @Test func fixtureUsesCRLFAndFolding() throws {
        let text = try Self.text()
        #expect(text.utf8.count(where: { $0 == UInt8(ascii: "\n") }) == text.utf8.count(where: { $0 == UInt8(ascii: "\r") }))
        #expect(text.contains("\r\n "))
    }

    @Test func readsTheUSOfficeHolidays() throws {
        let holidays = try ICalendarHolidays.parse(Self.text(), through: 2027)
        let expected: [(String, String)] = [
            ("2025-01-01", "New Year's Day"),
            ("2025-10-13", "Columbus Day"),
            ("2025-12-25", "Christmas Day"),
            ("2026-01-01", "New Year's Day"),
            ("2026-01-19", "Birthday of Martin Luther King, Jr. (third Monday of January)"),
            ("2026-02-16", "Washington's Birthday"),
            ("2026-03-06", "Founders' Day"),  // 2027-03-05 is an EXDATE
            ("2026-05-25", "Memorial Day"),
            ("2026-06-19", "Juneteenth National Independence Day"),
            ("2026-07-03", "Independence Day (observed)"),
            ("2026-07-04", "Independence Day"),
            ("2026-09-07", "Labor Day"),
            ("2026-10-12", "Columbus Day"),
            ("2026-11-11", "Veterans Day"),
            ("2026-11-26", "Thanksgiving Day"),
            ("2026-12-25", "Christmas Day"),
            ("2026-12-28", "Winter break"),
            ("2026-12-29", "Winter break"),
            ("2026-12-30", "Winter break"),
            ("2027-01-01", "New Year's Day"),
            ("2027-01-18", "Birthday of Martin Luther King, Jr. (third Monday of January)"),
            ("2027-02-15", "Washington's Birthday"),
            ("2027-05-31", "Memorial Day"),
            ("2027-06-19", "Juneteenth National Independence Day"),
            ("2027-07-04", "Independence Day"),
            ("2027-09-06", "Labor Day"),
            ("2027-10-11", "Columbus Day"),
            ("2027-11-11", "Veterans Day"),
            ("2027-11-25", "Thanksgiving Day"),
            ("2027-12-25", "Christmas Day"),
        ]
        #expect(holidays.map(\.date.description) == expected.map(\.0))
        #expect(holidays.map(\.name) == expected.map(\.1))
        #expect(holidays.allSatisfy { !$0.isShortDay })
    }

    @Test func countAndUntilHoldWhateverTheLastYear() throws {
        let holidays = try ICalendarHolidays.parse(Self.text(), through: 2030)
        // COUNT=3 from 2026; UNTIL=20271231T235959Z.
        #expect(holidays.filter { $0.name == "Veterans Day" }.map(\.date.description) == ["2026-11-11", "2027-11-11", "2028-11-11"])
        #expect(holidays.filter { $0.name == "Columbus Day" }.map(\.date.description) == ["2025-10-13", "2026-10-12", "2027-10-11"])
        #expect(holidays.filter { $0.name == "Thanksgiving Day" }.map(\.date.description)
            == ["2026-11-26", "2027-11-25", "2028-11-23", "2029-11-22", "2030-11-28"])
    }

    @Test func drivesABusinessCalendar() throws {
        let calendar = BusinessCalendar(
            name: "us-office", timeZone: zone("America/New_York"), week: week(["mon-fri": ["09:00-17:00"]]),
            holidays: try ICalendarHolidays.parse(Self.text(), through: 2027)
        )
        // Thanksgiving skipped.
        #expect(calendar.adding(hours(4), to: instant("2026-11-25T15:00:00-05:00")) == instant("2026-11-27T11:00:00-05:00"))
        // 1 h on the 24th, then Christmas, the weekend and the winter break: Thursday the 31st.
        #expect(calendar.adding(hours(4), to: instant("2026-12-24T16:00:00-05:00")) == instant("2026-12-31T12:00:00-05:00"))
    }
}

@Suite struct ICalendarHolidaysTests {
    @Test func lineEndingsAndFoldingDoNotMatter() throws {
        let lines = [
            "BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261126",
            "RRULE:FREQ=YEARLY;BYMONTH=11;", "\tBYDAY=4TH", "SUMMARY:Thanks", " giving", "END:VEVENT", "END:VCALENDAR",
        ]
        let crlf = try ICalendarHolidays.parse(ics(lines), through: 2027)
        #expect(crlf.map(\.date) == [day("2026-11-26"), day("2027-11-25")])
        #expect(crlf.map(\.name) == ["Thanksgiving", "Thanksgiving"])
        #expect(try ICalendarHolidays.parse(ics(lines, lineEnding: "\n"), through: 2027) == crlf)
        // No final line break, and a byte order mark.
        #expect(try ICalendarHolidays.parse("\u{FEFF}" + lines.joined(separator: "\r\n"), through: 2027) == crlf)
    }

    @Test(arguments: ["DTSTART;VALUE=DATE:20261126", "DTSTART:20261126", "dtstart;value=date:20261126"])
    func allDayStart(line: String) throws {
        #expect(try dates(event([line])) == ["2026-11-26"])
    }

    @Test(arguments: [
        "DTSTART:20261126T090000Z",
        "DTSTART;TZID=America/New_York:20261126T090000",
        "DTSTART;TZID=\"America/New_York\":20261126T090000",
        "DTSTART;VALUE=DATE-TIME:20261126T090000",
    ])
    func timedEventsAreNotHolidays(line: String) throws {
        #expect(try dates(event([line, "DTEND:20261126T170000Z", "RRULE:FREQ=WEEKLY"])) == [])
    }

    @Test(arguments: [
        // US Thanksgiving, the fourth Thursday of November.
        ("20261126", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", 2028, ["2026-11-26", "2027-11-25", "2028-11-23"]),
        // Memorial Day, the last Monday of May.
        ("20260525", "FREQ=YEARLY;BYDAY=-1MO;BYMONTH=5", 2028, ["2026-05-25", "2027-05-31", "2028-05-29"]),
        ("20261012", "FREQ=YEARLY;BYMONTH=10;BYDAY=+2MO", 2027, ["2026-10-12", "2027-10-11"]),
        // US Election Day, the Tuesday after the first Monday of November.
        ("20261103", "FREQ=YEARLY;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", 2028, ["2026-11-03", "2027-11-02", "2028-11-07"]),
        ("20260228", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1", 2028, ["2026-02-28", "2027-02-28", "2028-02-29"]),
        ("20240229", "FREQ=YEARLY", 2033, ["2024-02-29", "2028-02-29", "2032-02-29"]),
        ("20260704", "FREQ=YEARLY", 2027, ["2026-07-04", "2027-07-04"]),
        ("20260704", "FREQ=YEARLY;COUNT=3", 2035, ["2026-07-04", "2027-07-04", "2028-07-04"]),
        ("20260101", "FREQ=YEARLY;COUNT=3;BYMONTH=1,7;BYMONTHDAY=1", 2035, ["2026-01-01", "2026-07-01", "2027-01-01"]),
        ("20260704", "FREQ=YEARLY;UNTIL=20280704", 2035, ["2026-07-04", "2027-07-04", "2028-07-04"]),
        ("20260704", "FREQ=YEARLY;UNTIL=20280703T235959Z", 2035, ["2026-07-04", "2027-07-04"]),
        ("20260704", "FREQ=YEARLY;INTERVAL=2", 2031, ["2026-07-04", "2028-07-04", "2030-07-04"]),
        // Without BYMONTH, BYMONTHDAY picks from every month.
        ("20260101", "FREQ=YEARLY;BYMONTHDAY=1;COUNT=3", 2035, ["2026-01-01", "2026-02-01", "2026-03-01"]),
        // The first Monday of the year, counted within the year.
        ("20260105", "FREQ=YEARLY;BYDAY=1MO", 2028, ["2026-01-05", "2027-01-04", "2028-01-03"]),
        // The start itself is kept even past the last year.
        ("20260704", "FREQ=YEARLY", 2025, ["2026-07-04"]),
    ])
    func expandsYearlyRules(start: String, rule: String, lastYear: Int, expected: [String]) throws {
        #expect(try dates(event(["DTSTART;VALUE=DATE:\(start)", "RRULE:\(rule)"]), through: lastYear) == expected)
    }

    @Test func exdateRemovesOccurrencesButStillCountsTowardsCount() throws {
        #expect(try dates(event(["DTSTART;VALUE=DATE:20260704", "RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20270704,20290704"]), through: 2030)
            == ["2026-07-04", "2028-07-04", "2030-07-04"])
        #expect(try dates(event([
            "DTSTART;VALUE=DATE:20260704", "RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20270704", "EXDATE:20280704T000000",
        ]), through: 2029) == ["2026-07-04", "2029-07-04"])
        #expect(try dates(event(["DTSTART;VALUE=DATE:20260704", "RRULE:FREQ=YEARLY;COUNT=3", "EXDATE;VALUE=DATE:20270704"]))
            == ["2026-07-04", "2028-07-04"])
    }

    @Test func rdateAddsDates() throws {
        #expect(try dates(event(["DTSTART;VALUE=DATE:20260703", "RDATE;VALUE=DATE:20270705,20280704"]))
            == ["2026-07-03", "2027-07-05", "2028-07-04"])
    }

    @Test func multiDayEventsGiveOneHolidayPerDay() throws {
        // DTEND is exclusive: 24, 25 and 26 December.
        #expect(try dates(event(["DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261227"]))
            == ["2026-12-24", "2026-12-25", "2026-12-26"])
        // Across a year end, every year.
        #expect(try dates(event(["DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270102", "RRULE:FREQ=YEARLY"]), through: 2027)
            == ["2026-12-31", "2027-01-01", "2027-12-31", "2028-01-01"])
        #expect(try dates(event(["DTSTART;VALUE=DATE:20261224", "DURATION:P2D"])) == ["2026-12-24", "2026-12-25"])
        #expect(try dates(event(["DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261225"])) == ["2026-12-24"])
    }

    @Test func summaryIsUnescaped() throws {
        let holidays = try ICalendarHolidays.parse(event(["DTSTART:20261126", #"SUMMARY:Fish\, chips\; peas \\ more\nnext"#]), through: 2026)
        #expect(holidays.map(\.name) == ["Fish, chips; peas \\ more\nnext"])
        #expect(try ICalendarHolidays.parse(event(["DTSTART:20261126"]), through: 2026).map(\.name) == [nil])
    }

    @Test func aMovedOrCancelledInstanceLeavesItsDate() throws {
        let text = ics([
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT", "UID:summer@example.com", "DTSTART;VALUE=DATE:20260703", "RRULE:FREQ=YEARLY", "SUMMARY:Summer day", "END:VEVENT",
            "BEGIN:VEVENT", "UID:summer@example.com", "RECURRENCE-ID;VALUE=DATE:20270703", "DTSTART;VALUE=DATE:20270705",
            "SUMMARY:Summer day (moved)", "END:VEVENT",
            "BEGIN:VEVENT", "UID:summer@example.com", "RECURRENCE-ID;VALUE=DATE:20280703", "DTSTART;VALUE=DATE:20280703",
            "STATUS:CANCELLED", "END:VEVENT",
            "BEGIN:VEVENT", "UID:gone@example.com", "DTSTART;VALUE=DATE:20260801", "STATUS:CANCELLED", "END:VEVENT",
            "END:VCALENDAR",
        ])
        #expect(try dates(text, through: 2029) == ["2026-07-03", "2027-07-05", "2029-07-03"])
    }

    @Test func sortsByDate() throws {
        let text = ics([
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT", "DTSTART:20261225", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART:20260101", "END:VEVENT",
            "END:VCALENDAR",
        ])
        #expect(try dates(text) == ["2026-01-01", "2026-12-25"])
    }
}

/// A malformed file, the line the error names, its code, and part of its message.
struct ICalendarErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let lines: [String]
    let line: Int
    let code: ICalendarError.Code
    let says: String

    var testDescription: String { name }
}

@Suite struct ICalendarErrorTests {
    static let cases: [ICalendarErrorCase] = [
        ICalendarErrorCase(
            name: "weekly rule",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261126", "RRULE:FREQ=WEEKLY;BYDAY=MO", "END:VEVENT", "END:VCALENDAR"],
            line: 4, code: .unsupported, says: "only FREQ=YEARLY is supported"
        ),
        ICalendarErrorCase(
            name: "no DTSTART",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "SUMMARY:Someday", "END:VEVENT", "END:VCALENDAR"],
            line: 2, code: .missingStart, says: "no DTSTART"
        ),
        ICalendarErrorCase(
            name: "VEVENT closed by END:VCALENDAR",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261126", "END:VCALENDAR"],
            line: 2, code: .structure, says: "add END:VEVENT"
        ),
        ICalendarErrorCase(
            name: "file ends inside a VEVENT",
            lines: ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261126"],
            line: 3, code: .structure, says: "never ended"
        ),
        ICalendarErrorCase(
            name: "VEVENT begun inside a VEVENT",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "BEGIN:VEVENT", "DTSTART:20261127", "END:VEVENT", "END:VCALENDAR"],
            line: 2, code: .structure, says: "add END:VEVENT"
        ),
        ICalendarErrorCase(
            name: "END:VCALENDAR missing",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "END:VEVENT"],
            line: 1, code: .structure, says: "END:VCALENDAR"
        ),
        ICalendarErrorCase(
            name: "END without BEGIN",
            lines: ["BEGIN:VCALENDAR", "END:VEVENT", "END:VCALENDAR"],
            line: 2, code: .structure, says: "without a BEGIN:VEVENT"
        ),
        ICalendarErrorCase(
            name: "date with dashes",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:2026-11-26", "END:VEVENT", "END:VCALENDAR"],
            line: 3, code: .invalidValue, says: "write YYYYMMDD"
        ),
        ICalendarErrorCase(
            name: "month 13",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261326", "END:VEVENT", "END:VCALENDAR"],
            line: 3, code: .invalidValue, says: "is not a date"
        ),
        ICalendarErrorCase(
            name: "29 February in a common year",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260229", "END:VEVENT", "END:VCALENDAR"],
            line: 3, code: .invalidValue, says: "is not a date"
        ),
        ICalendarErrorCase(
            name: "VALUE=DATE with a time",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261126T090000", "END:VEVENT", "END:VCALENDAR"],
            line: 3, code: .invalidValue, says: "is not a date"
        ),
        ICalendarErrorCase(
            name: "bad EXDATE in a list",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20271125,2028112",
                    "END:VEVENT", "END:VCALENDAR"],
            line: 5, code: .invalidValue, says: "\"2028112\""
        ),
        ICalendarErrorCase(
            name: "DTEND with a time on an all-day event",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "DTEND:20261126T170000", "END:VEVENT", "END:VCALENDAR"],
            line: 4, code: .invalidValue, says: "DTEND;VALUE=DATE"
        ),
        ICalendarErrorCase(
            name: "unknown weekday",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4XX", "END:VEVENT", "END:VCALENDAR"],
            line: 4, code: .invalidValue, says: "\"4XX\""
        ),
        ICalendarErrorCase(
            name: "month 13 in BYMONTH",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "RRULE:FREQ=YEARLY;BYMONTH=13", "END:VEVENT", "END:VCALENDAR"],
            line: 4, code: .invalidValue, says: "BYMONTH=13"
        ),
        ICalendarErrorCase(
            name: "BYSETPOS",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=TH;BYSETPOS=4",
                    "END:VEVENT", "END:VCALENDAR"],
            line: 4, code: .unsupported, says: "BYSETPOS"
        ),
        ICalendarErrorCase(
            name: "rule without FREQ",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20261126", "RRULE:COUNT=2", "END:VEVENT", "END:VCALENDAR"],
            line: 4, code: .invalidValue, says: "FREQ=YEARLY"
        ),
        // Folded lines count as the physical lines they take up.
        ICalendarErrorCase(
            name: "error after folded lines",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "SUMMARY:A rather long", "  name", "DTSTART;VALUE=DATE:20261126",
                    "RRULE:FREQ=MON", " THLY;BYMONTHDAY=1", "END:VEVENT", "END:VCALENDAR"],
            line: 6, code: .unsupported, says: "FREQ=MONTHLY"
        ),
        ICalendarErrorCase(
            name: "not an iCalendar file",
            lines: ["<!DOCTYPE html>", "<html></html>"],
            line: 1, code: .syntax, says: "BEGIN:VCALENDAR"
        ),
        ICalendarErrorCase(name: "empty file", lines: [""], line: 1, code: .syntax, says: "BEGIN:VCALENDAR"),
        ICalendarErrorCase(
            name: "line without a colon",
            lines: ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART 20261126", "END:VEVENT", "END:VCALENDAR"],
            line: 3, code: .syntax, says: "NAME:value"
        ),
        ICalendarErrorCase(
            name: "continuation with nothing to continue",
            lines: [" BEGIN:VCALENDAR", "END:VCALENDAR"],
            line: 1, code: .syntax, says: "space or tab"
        ),
    ]

    @Test(arguments: cases)
    func namesTheLineAndTheFix(_ example: ICalendarErrorCase) {
        let error = #expect(throws: ICalendarError.self) {
            try ICalendarHolidays.parse(ics(example.lines), through: 2030)
        }
        #expect(error?.line == example.line)
        #expect(error?.code == example.code)
        #expect(error?.message.contains(example.says) == true, "\(error?.message ?? "")")
        #expect(error?.description.hasPrefix("line \(example.line): ") == true)
    }
}
