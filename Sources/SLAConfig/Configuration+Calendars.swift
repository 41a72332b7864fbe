import BusinessTime
import Foundation

/// `calendars`: name → `{timezone, week, holidays, holiday_files}`.
extension Configuration {
    static func readCalendars(_ node: ConfigNode?) -> [String: BusinessCalendar] {
        let builtIn = BusinessCalendar.alwaysOpen
        var calendars = [builtIn.name: builtIn]
        guard let node, let entries = node.mapping(what: "calendars by name")?.entries else { return calendars }
        for entry in entries {
            guard entry.key != builtIn.name else {
                entry.keyNode.report("24x7 is the built-in calendar that is always open; give this calendar another name")
                continue
            }
            calendars[entry.key] = readCalendar(named: entry.key, entry.value)
        }
        return calendars
    }

    private static func readCalendar(named name: String, _ node: ConfigNode) -> BusinessCalendar? {
        guard let fields = node.mapping(allowed: ["timezone", "week", "holidays", "holiday_files"], what: "a calendar") else {
            return nil
        }
        let zone = fields.required("timezone", example: "America/New_York")?.timeZone()
        let week = fields.required("week", example: "{ mon-fri: [\"09:00-17:00\"] }").flatMap(readWeek)
        // A date written under `holidays:` stands over a holiday file's: a short day kept
        // open on a date a public holiday file closes is the office's own choice.
        let written = fields["holidays"].map(readHolidays) ?? []
        let writtenDates = Set(written.map(\.date))
        let imported = (fields["holiday_files"].map(readHolidayFiles) ?? []).filter { !writtenDates.contains($0.date) }
        let holidays = written + imported
        guard let zone, let week else { return nil }
        return BusinessCalendar(name: name, timeZone: zone, week: week, holidays: holidays)
    }

    /// Day keys (`mon-fri`, `sat`, `tue,thu`) → windows; each day in one key, no window
    /// overlapping another, an overnight one included, and at least one window in the week.
    private static func readWeek(_ node: ConfigNode) -> WeeklySchedule? {
        guard let entries = node.mapping(what: "day keys to windows")?.entries else { return nil }
        var windows: [Weekday: [TimeWindow]] = [:]
        var keyOf: [Weekday: ConfigMapping.Entry] = [:]
        /// Where each day's window is written, for reporting an overlap there.
        var written: [Weekday: [TimeWindow: ConfigNode]] = [:]
        var isValid = true
        for entry in entries {
            let named = Weekday.namedDays(inKey: entry.key)
            let days = named.map { Set($0).sorted() }
            if let named, let twice = named.first(where: { day in named.count { $0 == day } > 1 }) {
                entry.keyNode.report("\(twice.key) is named more than once in \"\(entry.key)\"; name each day once")
                isValid = false
                continue
            }
            if days == nil {
                entry.keyNode.report(
                    "\"\(entry.key)\" is not a day key; write a day (mon), a range (mon-fri) or a comma list (tue,thu) "
                        + "of mon, tue, wed, thu, fri, sat, sun",
                    .unknownKey
                )
            }
            let items = entry.value.strings("a time window", example: "09:00-17:00")
            let parsed = (items ?? []).compactMap { item in item.node.window().map { (window: $0, node: item.node) } }
            isValid = isValid && days != nil && items?.count == parsed.count
            guard let days else { continue }
            if let day = days.first(where: { keyOf[$0] != nil }), let other = keyOf[day] {
                entry.keyNode.report("\(day.key) is also in \"\(other.key)\" (line \(other.keyNode.location.line)); name each day in one key only")
                isValid = false
                continue
            }
            for day in days {
                keyOf[day] = entry
                windows[day, default: []] += parsed.map(\.window)
                for (window, item) in parsed { written[day, default: [:]][window] = item }
            }
        }
        let week = WeeklySchedule(windows)
        for (day, earlier, laterDay, later) in week.overlaps {
            isValid = false
            let at = written[laterDay]?[later] ?? node
            if day == laterDay {
                at.report("\"\(later)\" overlaps \"\(earlier)\" on \(day.key); make a day's windows separate, or join them into one")
            } else {
                at.report("\"\(later)\" on \(laterDay.key) overlaps \"\(earlier)\" of \(day.key), which runs past midnight; "
                    + "end the overnight window sooner or start this one later")
            }
        }
        if isValid && Weekday.allCases.allSatisfy({ week[$0].isEmpty }) {
            node.report("has no open window on any day; give at least one, such as mon-fri: [\"09:00-17:00\"]")
            return nil
        }
        return isValid ? week : nil
    }

    /// Dates (`2026-11-26`) and short days (`{date: 2026-12-24, hours: ["09:00-13:00"], name: …}`).
    /// A date given twice is refused at the second: which of a closed day and a short day,
    /// or of two short days, was meant cannot be told. A date given here also stands over
    /// the same date in `holiday_files`.
    private static func readHolidays(_ node: ConfigNode) -> [Holiday] {
        guard let items = node.list(of: "holidays (dates or {date, hours, name})") else { return [] }
        var lineOf: [LocalDate: Int] = [:]
        return items.compactMap { item in
            let holiday: Holiday?
            if case .mapping = item.node {
                guard let fields = item.mapping(allowed: ["date", "hours", "name"], what: "a holiday") else { return nil }
                let date = fields.required("date", example: "2026-12-24")?.date()
                let hours = fields["hours"]?.windows()
                let name = fields["name"]?.string("a name", example: "Christmas Eve")
                guard let date, fields["hours"] == nil || hours != nil else { return nil }
                holiday = Holiday(date: date, name: name, hours: hours)
            } else {
                holiday = item.date().map { Holiday(date: $0) }
            }
            guard let holiday else { return nil }
            if let line = lineOf[holiday.date] {
                item.report("\(holiday.date) is already given on line \(line); give each date once, as a closed day or with its hours")
                return nil
            }
            lineOf[holiday.date] = item.location.line
            return holiday
        }
    }

    /// iCalendar files, relative to the configuration file's directory, expanded through
    /// `Defaults.holidaysThroughYear`.
    private static func readHolidayFiles(_ node: ConfigNode) -> [Holiday] {
        guard let items = node.strings("an .ics file path", example: "holidays/us.ics") else { return [] }
        var holidays: [Holiday] = []
        for (written, item) in items {
            let path = node.document.resolvingPath(written)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                let problem = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
                item.report(
                    "holiday file \(path) \(problem); fix the path (relative to the configuration file's directory) or remove it",
                    .unreadableFile
                )
                continue
            }
            do {
                let reading = try ICalendarHolidays.read(text, through: Defaults.holidaysThroughYear)
                holidays += reading.holidays
                if !reading.timedEvents.isEmpty { item.warn(timedEventsSkipped(reading.timedEvents, in: written)) }
            } catch {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let line = lines.indices.contains(error.line - 1)
                    ? " (\"\(lines[error.line - 1].trimmingCharacters(in: .whitespacesAndNewlines).prefix(80))\")" : ""
                item.report("holiday file \(written), line \(error.line)\(line): \(error.message)", .unreadableFile)
            }
        }
        return holidays
    }

    /// What a holiday file's events with a time of day come to: nothing, said once per file.
    private static func timedEventsSkipped(_ events: [ICalendarHolidays.TimedEvent], in file: String) -> String {
        let shown = events.prefix(3).map { event in "line \(event.line)" + (event.summary.map { " (\"\($0.prefix(60))\")" } ?? "") }
        let more = events.count > shown.count ? " and \(events.count - shown.count) more" : ""
        let count = events.count == 1 ? "an event with a time of day is" : "\(events.count) events with a time of day are"
        return "holiday file \(file): \(count) not a holiday and skipped: \(shown.joined(separator: ", "))\(more); "
            + "a holiday is an all-day event (DTSTART;VALUE=DATE), and a day with shorter hours goes under holidays: as {date, hours}"
    }
}
