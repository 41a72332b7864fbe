import Foundation
import BusinessTime
@testable import SLAEngine

/// An RFC 3339 instant; traps on a typo in a test.
func at(_ text: String) -> Date {
    guard let parsed = Timestamp(rfc3339: text) else { fatalError("bad test time \(text)") }
    return parsed.date
}

let newYork = TimeZone(identifier: "America/New_York")!

/// Mon–Fri 09:00–17:00 in New York with Thanksgiving 2026 off and a short Christmas Eve.
let usOffice = BusinessCalendar(
    name: "us-office", timeZone: newYork,
    week: WeeklySchedule(Dictionary(uniqueKeysWithValues: [Weekday.monday, .tuesday, .wednesday, .thursday, .friday].map {
        ($0, [try! TimeWindow(parsing: "09:00-17:00")])
    })),
    holidays: [
        Holiday(date: LocalDate(year: 2026, month: 11, day: 26)!, name: "Thanksgiving"),
        Holiday(date: LocalDate(year: 2026, month: 12, day: 24)!, hours: [try! TimeWindow(parsing: "09:00-13:00")]),
    ]
)

func hours(_ h: Double) -> Int { Int(h * 3600) }

/// One policy on `calendar` with the same targets for every priority.
func engine(
    calendar: BusinessCalendar = usOffice, targets: [Metric: Int], pause: PauseRules = PauseRules(),
    ladders: [String: EscalationLadder] = [:]
) -> SLAEngine {
    SLAEngine(
        policies: [Policy(name: "standard", calendar: calendar, targets: [nil: targets])],
        pause: pause, ladders: ladders
    )
}

extension Array where Element == SLAClock {
    func only(_ metric: Metric, cycle: Int = 1) -> SLAClock? {
        first { $0.metric == metric && $0.cycle == cycle }
    }
}
