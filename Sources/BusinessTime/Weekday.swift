/// A day of the week, Monday first.
public enum Weekday: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The three-letter key used in configuration files (`mon` … `sun`).
    public var key: String {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue]
    }

    /// The day for a key such as `mon` or `Fri` (any case); nil for anything else.
    public init?(key: some StringProtocol) {
        guard let day = Weekday.allCases.first(where: { $0.key == key.lowercased() }) else { return nil }
        self = day
    }

    public var description: String { key }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a week key: a day (`fri`), a range (`mon-fri`, wrapping as in `sun-thu`) or a
    /// comma list of those (`tue,thu`). Returns the days in week order, or nil when a part
    /// is not a day; a day named twice in one key is returned once.
    public static func days(inKey key: String) -> [Weekday]? {
        namedDays(inKey: key).map { Set($0).sorted() }
    }

    /// The days a key names, in its order, each as often as it is named (`mon-wed,tue`
    /// names tue twice); nil when it is not a day key.
    public static func namedDays(inKey key: String) -> [Weekday]? {
        var days: [Weekday] = []
        for part in key.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
            switch bounds.count {
            case 1:
                guard let day = Weekday(key: bounds[0]) else { return nil }
                days.append(day)
            case 2:
                guard let first = Weekday(key: bounds[0]), let last = Weekday(key: bounds[1]) else { return nil }
                var day = first
                days.append(day)
                while day != last {
                    day = Weekday(rawValue: (day.rawValue + 1) % 7)!
                    days.append(day)
                }
            default:
                return nil
            }
        }
        return days
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        let s = Substring(self)
        guard let start = s.firstIndex(where: { $0 != " " }) else { return "" }
        let end = s.lastIndex(where: { $0 != " " })!
        return s[start...end]
    }
}
