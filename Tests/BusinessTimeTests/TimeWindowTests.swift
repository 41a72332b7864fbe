import Testing
import BusinessTime

@Suite struct TimeWindowTests {
    @Test(arguments: [
        ("09:00-17:00", 540, 1020, false, 480),
        ("00:00-24:00", 0, 1440, false, 1440),
        ("22:00-06:00", 1320, 360, true, 480),
        ("23:30-00:30", 1410, 30, true, 60),
        ("22:00-00:00", 1320, 1440, false, 120),
        (" 08:30 - 12:15 ", 510, 735, false, 225),
    ])
    func parses(text: String, start: Int, end: Int, overnight: Bool, length: Int) throws {
        let parsed = try TimeWindow(parsing: text)
        #expect(parsed.startMinute == start)
        #expect(parsed.endMinute == end)
        #expect(parsed.isOvernight == overnight)
        #expect(parsed.lengthMinutes == length)
    }

    @Test(arguments: [
        ("25:00-26:00", TimeWindow.ParseError.badTime("25:00")),
        ("9-5", .badTime("9")),
        ("9:00-17:00", .badTime("9:00")),
        ("09:60-10:00", .badTime("09:60")),
        ("24:00-06:00", .badTime("24:00")),
        ("09:00-09:00", .empty),
        ("00:00-00:00", .empty),
        ("09:00", .notAWindow),
        ("09:00-12:00-13:00", .notAWindow),
        ("", .notAWindow),
    ])
    func rejects(text: String, error: TimeWindow.ParseError) {
        #expect(throws: error) { try TimeWindow(parsing: text) }
    }

    @Test func describesItselfAsWritten() {
        #expect(window("09:05-17:30").description == "09:05-17:30")
        #expect(window("00:00-24:00").description == "00:00-24:00")
        #expect(window("22:00-00:00").description == "22:00-24:00")
    }

    @Test func overnightSpanRunsPastMidnightOfItsOwnDay() {
        #expect(window("22:00-06:00").span == 1320..<1800)
        #expect(window("09:00-17:00").span == 540..<1020)
    }
}

@Suite struct WeeklyScheduleTests {
    /// Overlaps as `day window / day window` text.
    private func overlaps(_ days: [String: [String]]) -> [String] {
        week(days).overlaps.map { "\($0.0) \($0.1) / \($0.2) \($0.3)" }
    }

    @Test func findsOverlapWithinADay() {
        #expect(overlaps(["mon": ["09:00-12:00", "11:00-13:00"]]) == ["mon 09:00-12:00 / mon 11:00-13:00"])
        #expect(overlaps(["tue": ["20:00-02:00", "23:00-23:30"]]) == ["tue 20:00-02:00 / tue 23:00-23:30"])
    }

    @Test func findsOvernightWindowSpillingIntoTheNextDay() {
        #expect(overlaps(["mon": ["22:00-06:00"], "tue": ["05:00-09:00"]]) == ["mon 22:00-06:00 / tue 05:00-09:00"])
        // Sunday's night runs into Monday.
        #expect(overlaps(["sun": ["23:00-02:00"], "mon": ["01:00-03:00"]]) == ["sun 23:00-02:00 / mon 01:00-03:00"])
    }

    @Test func windowsThatOnlyTouchDoNotOverlap() {
        #expect(overlaps(["mon-fri": ["08:00-12:00", "12:00-13:00", "13:00-17:00"]]).isEmpty)
        #expect(overlaps(["mon": ["22:00-06:00"], "tue": ["06:00-10:00", "22:00-24:00"]]).isEmpty)
        #expect(overlaps(["mon-sun": ["00:00-24:00"]]).isEmpty)
    }

    @Test func sortsEachDaysWindowsByStart() {
        #expect(week(["wed": ["13:00-17:00", "08:00-12:00"]])[.wednesday] == [window("08:00-12:00"), window("13:00-17:00")])
        #expect(week(["wed": ["08:00-12:00"]])[.thursday].isEmpty)
    }
}
