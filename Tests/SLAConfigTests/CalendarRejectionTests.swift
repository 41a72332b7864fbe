import SLAConfig
import Testing

/// Time zones, week keys and windows, holidays.
@Suite struct CalendarRejectionTests {
    static let cases: [Rejection] = [
        Rejection("hour past 24", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fri: ["25:00-26:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 17, "calendars.office.week.mon-fri[0]",
            says: "\"25:00-26:00\" is not a time window", "\"25:00\" is not a time", "write HH:MM-HH:MM"),
        Rejection("window without minutes", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fri: [9-5]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 17, "calendars.office.week.mon-fri[0]",
            says: "\"9-5\" is not a time window", "\"9\" is not a time", "such as 09:00-17:00"),
        Rejection("overlapping windows of a day", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fri: ["09:00-12:00", "11:00-17:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 32, "calendars.office.week.mon-fri[1]",
            says: "\"11:00-17:00\" overlaps \"09:00-12:00\"", "make a day's windows separate, or join them"),
        Rejection("overnight window running into the next day's window", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fri: ["09:00-17:00"]
                  sun: ["22:00-10:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 17, "calendars.office.week.mon-fri[0]",
            says: "\"09:00-17:00\" on mon overlaps \"22:00-10:00\" of sun, which runs past midnight", "end the overnight window sooner"),
        Rejection("unknown weekday key", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fry: ["09:00-17:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 7, "calendars.office.week.mon-fry",
            says: "\"mon-fry\" is not a day key", "write a day (mon), a range (mon-fri) or a comma list (tue,thu)"),
        Rejection("a day in two keys", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fri: ["09:00-17:00"]
                  fri: ["09:00-12:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 6, 7, "calendars.office.week.fri", says: "fri is also in \"mon-fri\" (line 5)", "name each day in one key only"),
        Rejection("a day named twice in one key", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon,mon: ["09:00-17:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 7, "calendars.office.week.mon,mon", says: "mon is named more than once in \"mon,mon\"", "name each day once"),
        Rejection("a day named by a range and again in one key", """
            calendars:
              office:
                timezone: Europe/Berlin
                week:
                  mon-fri,wed: ["09:00-17:00"]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 7, "calendars.office.week.mon-fri,wed", says: "wed is named more than once in \"mon-fri,wed\""),
        Rejection("a date given as a holiday and as a short day", """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holidays:
                  - 2026-12-24
                  - { date: 2026-12-24, hours: ["09:00-13:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 7, 9, "calendars.office.holidays[1]",
            says: "2026-12-24 is already given on line 6", "give each date once, as a closed day or with its hours"),
        Rejection("a date given as two short days", """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holidays:
                  - { date: 2026-12-24, hours: ["09:00-13:00"] }
                  - { date: 2026-12-31, hours: ["09:00-12:00"] }
                  - { date: 2026-12-24, hours: ["09:00-12:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 8, 9, "calendars.office.holidays[2]", says: "2026-12-24 is already given on line 6"),
        Rejection("a week without an open window", """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: [] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 4, 11, "calendars.office.week", says: "has no open window on any day", "give at least one"),
        Rejection("unknown time zone", """
            calendars:
              office:
                timezone: Mars/Base
                week: { mon-fri: ["09:00-17:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 3, 15, "calendars.office.timezone",
            says: "\"Mars/Base\" is not an IANA time zone", "write a zone database name such as America/New_York"),
        Rejection("offset instead of a zone name", """
            calendars:
              office:
                timezone: GMT+5
                week: { mon-fri: ["09:00-17:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 3, 15, "calendars.office.timezone", says: "\"GMT+5\" is not an IANA time zone",
            "an offset, not a zone, ignores daylight saving time; write the zone of the place, such as Europe/Berlin; "
                + "for a fixed UTC+5 all year write Etc/GMT-5 (the sign is reversed)"),
        Rejection("an offset of hours and minutes", """
            calendars:
              office:
                timezone: "UTC+05:30"
                week: { mon-fri: ["09:00-17:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 3, 15, "calendars.office.timezone",
            says: "\"UTC+05:30\" is not an IANA time zone: the tz database has no such zone or link: an offset, not a zone, "
                + "ignores daylight saving time; write the zone of the place, such as Europe/Berlin"),
        Rejection("zone name in the wrong case", """
            calendars:
              office:
                timezone: america/new_york
                week: { mon-fri: ["09:00-17:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 3, 15, "calendars.office.timezone", says: "did you mean America/New_York?"),
        Rejection("calendar without timezone", """
            calendars:
              office:
                week: { mon-fri: ["09:00-17:00"] }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 2, 3, "calendars.office.timezone", says: "is missing", "add timezone: America/New_York"),
        Rejection("holiday that is not a date", """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holidays: [2026-02-30]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 16, "calendars.office.holidays[0]", says: "\"2026-02-30\" is not a date", "write YYYY-MM-DD"),
        Rejection("holiday file that does not exist", """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holiday_files: [holidays/none.ics]
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 21, "calendars.office.holiday_files[0]",
            says: "holiday file /nonexistent/holidays/none.ics does not exist", "fix the path"),
    ]

    @Test(arguments: cases)
    func rejects(_ rejection: Rejection) {
        rejection.check()
    }

    @Test func holidayFileThatDoesNotParseQuotesItsLine() {
        let yaml = """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holiday_files:
                  - holidays/broken.ics
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h } }
            """
        let diagnostics = ConfigFixture.diagnostics(yaml, baseDirectory: ConfigFixture.directory.path)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location == ConfigLocation(file: ConfigFixture.file, line: 6, column: 9, path: "calendars.office.holiday_files[0]"))
        #expect(diagnostics.first?.message.hasPrefix("holiday file holidays/broken.ics, line 5 (\"DTSTART;VALUE=DATE:2026-12-24\"): ") == true)
        #expect(diagnostics.first?.code == .unreadableFile)
    }
}
