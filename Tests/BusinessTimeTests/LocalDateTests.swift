import Testing
import BusinessTime

@Suite struct LocalDateTests {
    @Test(arguments: [
        ("1970-01-01", Weekday.thursday, 0),
        ("1969-12-31", .wednesday, -1),
        ("2000-02-29", .tuesday, 11_016),
        ("2026-01-01", .thursday, 20_454),
        ("2026-11-20", .friday, 20_777),
    ])
    func weekdayAndEpochDay(iso: String, weekday: Weekday, daysSinceEpoch: Int) {
        let date = day(iso)
        #expect(date.weekday == weekday)
        #expect(date.daysSinceEpoch == daysSinceEpoch)
        #expect(LocalDate(daysSinceEpoch: daysSinceEpoch) == date)
        #expect(date.description == iso)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-04-31", "2026-1-05", "20261126", "2026-11-26T00:00"])
    func rejectsDatesThatDoNotExistOrAreNotISO(text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test func addsDaysAcrossMonthsAndLeapDays() {
        #expect(day("2028-02-28").adding(days: 1) == day("2028-02-29"))
        #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
        #expect(day("2026-03-01").adding(days: -1) == day("2026-02-28"))
        #expect(day("2026-11-26") < day("2026-11-27"))
    }
}
