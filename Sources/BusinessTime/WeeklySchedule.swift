/// The open windows of each day of a regular week.
public struct WeeklySchedule: Sendable, Hashable {
    /// Windows per weekday, sorted by start; a day without an entry is closed.
    public private(set) var windows: [Weekday: [TimeWindow]]

    /// Creates a week from each day's windows, in any order.
    public init(_ windows: [Weekday: [TimeWindow]] = [:]) {
        self.windows = windows.mapValues { $0.sorted { $0.startMinute < $1.startMinute } }
    }

    /// Every day open around the clock.
    public static let allDay = WeeklySchedule(
        Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [TimeWindow(startMinute: 0, endMinute: 1440)]) })
    )

    /// The windows of `day`, sorted by start; empty when it is closed.
    public subscript(day: Weekday) -> [TimeWindow] {
        windows[day] ?? []
    }

    /// Pairs of windows that overlap, within one day or where an overnight window runs
    /// into the next day's windows. Empty for a valid schedule.
    public var overlaps: [(Weekday, TimeWindow, Weekday, TimeWindow)] {
        var found: [(Weekday, TimeWindow, Weekday, TimeWindow)] = []
        for day in Weekday.allCases {
            let today = self[day]
            for (i, a) in today.enumerated() {
                for b in today[(i + 1)...] where a.span.overlaps(b.span) {
                    found.append((day, a, day, b))
                }
            }
            let next = Weekday(rawValue: (day.rawValue + 1) % 7)!
            for a in today where a.isOvernight {
                let spill = 0..<a.endMinute
                for b in self[next] where spill.overlaps(b.span) {
                    found.append((day, a, next, b))
                }
            }
        }
        return found
    }
}
