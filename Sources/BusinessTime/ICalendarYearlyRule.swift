/// A `FREQ=YEARLY` rule of an iCalendar holiday (see `ICalendarHolidays`): the rule parts that describe holidays.
struct YearlyRule {
    /// A `BYDAY` entry: a weekday, with an ordinal within the month (or the year without
    /// `BYMONTH`): `4TH` is the fourth Thursday, `-1MO` the last Monday.
    struct DaySpec {
        var ordinal: Int?
        var weekday: Weekday
    }

    var count: Int?
    var until: LocalDate?
    var interval = 1
    var months: [Int] = []
    var monthDays: [Int] = []
    var weekdays: [DaySpec] = []

    init(_ line: ContentLine) throws(ICalendarError) {
        func fail(_ code: ICalendarError.Code, _ message: String) -> ICalendarError {
            ICalendarError(code, line: line.number, message)
        }
        var isYearly = false
        for part in line.value.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw fail(.invalidValue, "RRULE part \"\(part)\" is not KEY=VALUE") }
            let key = pair[0].uppercased(), value = pair[1].uppercased()
            let list = value.split(separator: ",", omittingEmptySubsequences: false)
            switch key {
            case "FREQ":
                guard value == "YEARLY" else {
                    throw fail(.unsupported,
                        "RRULE FREQ=\(value): only FREQ=YEARLY is supported for holidays; list other dates with RDATE or as separate events")
                }
                isYearly = true
            case "COUNT", "INTERVAL":
                guard let number = Int(value), number > 0 else { throw fail(.invalidValue, "RRULE \(key)=\(value) must be a whole number from 1") }
                if key == "COUNT" { count = number } else { interval = number }
            case "UNTIL":
                guard let date = ICalendarHolidays.parseDate(Substring(value))?.date else {
                    throw fail(.invalidValue, "RRULE UNTIL=\(value) is not a date; write UNTIL=YYYYMMDD")
                }
                until = date
            case "BYMONTH":
                guard let numbers = Self.numbers(list, in: 1...12, allowNegative: false) else {
                    throw fail(.invalidValue, "RRULE BYMONTH=\(value) must list months 1 to 12")
                }
                months = numbers
            case "BYMONTHDAY":
                guard let numbers = Self.numbers(list, in: 1...31, allowNegative: true) else {
                    throw fail(.invalidValue, "RRULE BYMONTHDAY=\(value) must list days 1 to 31, or -31 to -1 from the month's end")
                }
                monthDays = numbers
            case "BYDAY":
                for item in list {
                    guard let spec = DaySpec(item) else {
                        throw fail(.invalidValue, "RRULE BYDAY entry \"\(item)\" is not a weekday; write MO, 4TH, -1MO or +2MO")
                    }
                    weekdays.append(spec)
                }
            case "WKST":
                break // Only matters for weekly numbering, which a yearly rule by month does not use.
            default:
                throw fail(.unsupported,
                    "RRULE part \(key) is not supported; use FREQ=YEARLY with COUNT, UNTIL, INTERVAL, BYMONTH, BYMONTHDAY or BYDAY")
            }
        }
        guard isYearly else { throw fail(.invalidValue, "RRULE has no FREQ; write RRULE:FREQ=YEARLY;…") }
        if !monthDays.isEmpty, weekdays.contains(where: { $0.ordinal != nil }) {
            throw fail(.unsupported, "RRULE BYDAY with an ordinal (such as 4TH) cannot be combined with BYMONTHDAY; drop one of them")
        }
    }

    /// Integers in `range` (or their negatives when allowed); nil when any is not.
    private static func numbers(_ items: [Substring], in range: ClosedRange<Int>, allowNegative: Bool) -> [Int]? {
        var result: [Int] = []
        for item in items {
            guard let number = Int(item), range.contains(allowNegative ? abs(number) : number) else { return nil }
            result.append(number)
        }
        return result
    }

    /// The occurrence dates from `start` (always the first) through the end of `lastYear`,
    /// within `COUNT` and `UNTIL`.
    func dates(from start: LocalDate, through lastYear: Int) -> [LocalDate] {
        var result = [start]
        var year = start.year
        while year <= lastYear {
            for date in candidates(in: year, start: start) where date > start {
                if let until, date > until { return result }
                if let count, result.count >= count { return result }
                result.append(date)
            }
            year += interval
        }
        return result
    }

    /// The dates the rule's `BY…` parts select in `year`, sorted.
    ///
    /// As RFC 5545 has it, `BYMONTHDAY` or `BYDAY` without `BYMONTH` select within the
    /// whole year; with neither, the rule repeats `DTSTART`'s month and day.
    private func candidates(in year: Int, start: LocalDate) -> [LocalDate] {
        var dates: [LocalDate] = []
        if !monthDays.isEmpty {
            for month in months.isEmpty ? Array(1...12) : months {
                for day in monthDays {
                    let resolved = day > 0 ? day : LocalDate.daysIn(month: month, year: year) + day + 1
                    if let date = LocalDate(year: year, month: month, day: resolved) { dates.append(date) }
                }
            }
            if !weekdays.isEmpty {
                dates = dates.filter { date in weekdays.contains { $0.weekday == date.weekday } }
            }
        } else if !weekdays.isEmpty {
            // The ordinal counts within each month of BYMONTH, or within the year without it.
            let scopes: [ClosedRange<LocalDate>] = months.isEmpty
                ? [LocalDate(year: year, month: 1, day: 1)!...LocalDate(year: year, month: 12, day: 31)!]
                : months.map { month in
                    LocalDate(year: year, month: month, day: 1)!
                        ... LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!
                }
            for scope in scopes {
                for spec in weekdays {
                    let first = scope.lowerBound.adding(days: (spec.weekday.rawValue - scope.lowerBound.weekday.rawValue + 7) % 7)
                    let all = stride(from: first.daysSinceEpoch, through: scope.upperBound.daysSinceEpoch, by: 7)
                        .map(LocalDate.init(daysSinceEpoch:))
                    guard let ordinal = spec.ordinal else {
                        dates += all
                        continue
                    }
                    let index = ordinal > 0 ? ordinal - 1 : all.count + ordinal
                    if all.indices.contains(index) { dates.append(all[index]) }
                }
            }
        } else {
            for month in months.isEmpty ? [start.month] : months {
                // A start on 29 February recurs only in leap years.
                if let date = LocalDate(year: year, month: month, day: start.day) { dates.append(date) }
            }
        }
        return Set(dates).sorted()
    }
}

extension YearlyRule.DaySpec {
    /// Parses `MO`, `4TH`, `-1MO`, `+2MO`.
    init?(_ text: Substring) {
        let code = text.suffix(2)
        let days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        guard let index = days.firstIndex(of: String(code)) else { return nil }
        weekday = Weekday(rawValue: index)!
        let number = text.dropLast(2)
        if number.isEmpty {
            ordinal = nil
        } else {
            let digits = number.first == "+" || number.first == "-" ? number.dropFirst() : number
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let value = Int(number.filter { $0 != "+" }),
                  value != 0, abs(value) <= 53
            else { return nil }
            ordinal = value
        }
    }
}
