import Testing
import BusinessTime

@Suite struct WeekdayTests {
    @Test(arguments: [
        ("mon-fri", [Weekday.monday, .tuesday, .wednesday, .thursday, .friday]),
        ("tue,thu", [.tuesday, .thursday]),
        ("sun-thu", [.monday, .tuesday, .wednesday, .thursday, .sunday]),
        ("fri-mon", [.monday, .friday, .saturday, .sunday]),
        ("sat", [.saturday]),
        ("Mon-Wed", [.monday, .tuesday, .wednesday]),
        ("mon, wed", [.monday, .wednesday]),
        ("mon-wed,tue", [.monday, .tuesday, .wednesday]),
        ("mon-sun", Weekday.allCases),
    ])
    func parsesWeekKeys(key: String, days: [Weekday]) {
        #expect(Weekday.days(inKey: key) == days)
    }

    @Test(arguments: ["", "funday", "mon-", "mon-fri-sat", "mon,,fri", "monday"])
    func rejectsKeysThatAreNotDays(key: String) {
        #expect(Weekday.days(inKey: key) == nil)
    }
}
