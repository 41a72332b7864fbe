/// A date on which a calendar departs from its week: closed all day, or open only
/// in the given hours (a short day).
public struct Holiday: Sendable, Hashable {
    /// The local date, in the calendar's zone, that departs from the week.
    public let date: LocalDate
    /// A label for explanations ("Thanksgiving"); nil when the source gave none.
    public let name: String?
    /// The windows of a short day; nil when the whole day is closed.
    public let hours: [TimeWindow]?

    /// A closed day, or a short day when `hours` is given.
    public init(date: LocalDate, name: String? = nil, hours: [TimeWindow]? = nil) {
        self.date = date
        self.name = name
        self.hours = hours?.sorted { $0.startMinute < $1.startMinute }
    }

    public var isShortDay: Bool { hours != nil }
}

/// What governs one local date of a calendar.
public enum DayRule: Sendable, Hashable {
    /// The week's windows for that weekday.
    case regular([TimeWindow])
    /// A holiday: closed all day.
    case holiday(Holiday)
    /// A short day: these windows instead of the week's.
    case shortDay(Holiday)

    /// The windows open on that date.
    public var windows: [TimeWindow] {
        switch self {
        case .regular(let windows): windows
        case .holiday: []
        case .shortDay(let holiday): holiday.hours ?? []
        }
    }
}
