/// Reads holidays from iCalendar (RFC 5545) text, as published by holiday feeds and
/// exported by calendar apps.
///
/// Each all-day `VEVENT` gives one ``Holiday`` per day it covers (`DTEND` is exclusive),
/// named by its `SUMMARY`. Events with a time of day are not holidays: they are skipped,
/// and ``read(_:through:)`` names them so the configuration can say so, as are
/// `STATUS:CANCELLED` events. Yearly rules (`RRULE:FREQ=YEARLY` with `COUNT`,
/// `UNTIL`, `INTERVAL`, `BYMONTH`, `BYMONTHDAY`, `BYDAY`) are expanded; `RDATE` adds
/// dates, `EXDATE` removes them, and an instance overridden through `RECURRENCE-ID`
/// (moved or cancelled) leaves its original date.
public enum ICalendarHolidays {
    /// Parses `text` (CRLF or LF line endings, folded lines allowed) into holidays, sorted by date.
    ///
    /// Recurrences are expanded through the end of `lastYear`; explicit dates (`DTSTART`,
    /// `RDATE`) are kept whatever their year. The text must be a `VCALENDAR`.
    public static func parse(_ text: String, through lastYear: Int) throws(ICalendarError) -> [Holiday] {
        try read(text, through: lastYear).holidays
    }

    /// The holidays in `text`, as `parse` reads them, and the events it skipped because
    /// they have a time of day.
    public static func read(_ text: String, through lastYear: Int) throws(ICalendarError) -> Reading {
        let (events, timed) = try readEvents(from: contentLines(text))
        var moved: [String: Set<LocalDate>] = [:]
        for event in events {
            if let uid = event.uid, let original = event.recurrenceID { moved[uid, default: []].insert(original) }
        }
        var holidays: [Holiday] = []
        for event in events where !event.isCancelled {
            var starts = event.rule?.dates(from: event.start, through: lastYear) ?? [event.start]
            starts += event.extraDates
            var excluded = event.excludedDates
            if event.recurrenceID == nil, let uid = event.uid { excluded.formUnion(moved[uid, default: []]) }
            for start in Set(starts).subtracting(excluded).sorted() {
                for offset in 0..<event.days {
                    holidays.append(Holiday(date: start.adding(days: offset), name: event.summary))
                }
            }
        }
        // Stable: same-date holidays keep the file's order.
        let sorted = holidays.enumerated()
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
            .map(\.element)
        return Reading(holidays: sorted, timedEvents: timed)
    }

    /// What an iCalendar text holds for a business calendar.
    public struct Reading: Sendable, Hashable {
        /// The holidays, sorted by date.
        public var holidays: [Holiday]
        /// The events skipped because they have a time of day (cancelled ones left out).
        public var timedEvents: [TimedEvent]
    }

    /// An event with a time of day: not a holiday.
    public struct TimedEvent: Sendable, Hashable {
        /// The line its `BEGIN:VEVENT` is on, 1-based.
        public var line: Int
        public var summary: String?
    }
}

/// Why iCalendar text could not be read as holidays, and where.
public struct ICalendarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: Sendable, Hashable {
        /// Not iCalendar syntax: no `BEGIN:VCALENDAR`, a line without `NAME:value`, a stray folded line.
        case syntax
        /// A `BEGIN` without its `END`, or an `END` that closes nothing.
        case structure
        /// A `VEVENT` without `DTSTART`.
        case missingStart
        /// A date, number or duration that is malformed or does not exist.
        case invalidValue
        /// Valid iCalendar that holidays do not need: a rule other than `FREQ=YEARLY`, a rule part or value type not supported.
        case unsupported
    }

    public let code: Code
    /// The 1-based line of the problem; for a folded line, the line it starts on.
    public let line: Int
    /// What is wrong and how to fix it.
    public let message: String

    init(_ code: Code, line: Int, _ message: String) {
        self.code = code
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

// MARK: - Content lines

/// One unfolded content line, `NAME;PARAM=VALUE:value`.
struct ContentLine {
    /// The line the content line starts on, 1-based.
    let number: Int
    /// Upper-cased.
    let name: String
    /// Upper-cased keys; values as written, without quotes.
    let parameters: [String: String]
    let value: String
}

extension ICalendarHolidays {
    /// Splits `text` into physical lines, unfolds them and parses each into a content line.
    private static func contentLines(_ text: String) throws(ICalendarError) -> [ContentLine] {
        var unfolded: [(number: Int, text: String)] = []
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        // "\r\n" is a single Character in Swift.
        let physical = body.split(omittingEmptySubsequences: false) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
        for (index, line) in physical.enumerated() {
            if line.first == " " || line.first == "\t" {
                guard !unfolded.isEmpty else {
                    throw ICalendarError(.syntax, line: index + 1,
                        "a line starting with a space or tab continues the line before it, but there is none; remove the leading whitespace")
                }
                unfolded[unfolded.count - 1].text += line.dropFirst()
            } else if !line.isEmpty {
                unfolded.append((index + 1, String(line)))
            }
        }
        guard let first = unfolded.first, first.text.trimmingSpaces().uppercased() == "BEGIN:VCALENDAR" else {
            throw ICalendarError(.syntax, line: unfolded.first?.number ?? 1,
                "an iCalendar file starts with BEGIN:VCALENDAR; check that this is an .ics file")
        }
        var lines: [ContentLine] = []
        for (number, text) in unfolded {
            lines.append(try contentLine(text, number: number))
        }
        return lines
    }

    private static func contentLine(_ text: String, number: Int) throws(ICalendarError) -> ContentLine {
        let head = splitOutsideQuotes(Substring(text), separator: ":", maxSplits: 1)
        let fields = splitOutsideQuotes(head[0], separator: ";")
        let name = fields[0].trimmingSpaces()
        guard head.count == 2, !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw ICalendarError(.syntax, line: number,
                "\"\(text.prefix(40))\" is not an iCalendar content line; write NAME:value or NAME;PARAM=VALUE:value")
        }
        var parameters: [String: String] = [:]
        for field in fields.dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else {
                throw ICalendarError(.syntax, line: number, "parameter \"\(field)\" of \(name) is not PARAM=VALUE")
            }
            parameters[pair[0].uppercased()] = pair[1].filter { $0 != "\"" }
        }
        return ContentLine(number: number, name: name.uppercased(), parameters: parameters, value: String(head[1]))
    }

    /// Splits at `separator` except inside double quotes (parameter values may quote `:` and `;`).
    private static func splitOutsideQuotes(_ text: Substring, separator: Character, maxSplits: Int = .max) -> [Substring] {
        var parts: [Substring] = []
        var quoted = false
        var start = text.startIndex
        for index in text.indices {
            if text[index] == "\"" {
                quoted.toggle()
            } else if text[index] == separator, !quoted, parts.count < maxSplits {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        parts.append(text[start...])
        return parts
    }
}

// MARK: - Components

/// What one all-day `VEVENT` contributes.
private struct Event {
    var start: LocalDate
    /// How many days each occurrence covers, at least 1.
    var days: Int
    var extraDates: [LocalDate]
    var excludedDates: Set<LocalDate>
    var uid: String?
    var isCancelled: Bool
    var summary: String? = nil
    var rule: YearlyRule? = nil
    /// The original date of the instance this event replaces.
    var recurrenceID: LocalDate? = nil
}

extension ICalendarHolidays {
    /// Walks `BEGIN`/`END` nesting and turns each all-day `VEVENT` into an ``Event``.
    ///
    /// A component left open is reported on its `BEGIN` line. Events with a time of day
    /// come back apart, as where they begin.
    private static func readEvents(from lines: [ContentLine]) throws(ICalendarError) -> ([Event], [TimedEvent]) {
        var open: [(component: String, line: Int)] = []
        var properties: [ContentLine] = []
        var events: [Event] = []
        var timed: [TimedEvent] = []
        for line in lines {
            switch line.name {
            case "BEGIN":
                let component = line.value.uppercased()
                if open.isEmpty, component != "VCALENDAR" {
                    throw ICalendarError(.structure, line: line.number,
                        "BEGIN:\(component) outside a calendar; put it between BEGIN:VCALENDAR and END:VCALENDAR")
                }
                if component == "VEVENT", let event = open.last(where: { $0.component == "VEVENT" }) {
                    throw ICalendarError(.structure, line: event.line,
                        "this VEVENT is not ended before the BEGIN:VEVENT on line \(line.number); add END:VEVENT")
                }
                if component == "VEVENT" { properties = [] }
                open.append((component, line.number))
            case "END":
                let component = line.value.uppercased()
                guard let innermost = open.last, open.contains(where: { $0.component == component }) else {
                    throw ICalendarError(.structure, line: line.number, "END:\(component) without a BEGIN:\(component); remove it")
                }
                guard innermost.component == component else {
                    throw ICalendarError(.structure, line: innermost.line,
                        "BEGIN:\(innermost.component) is not ended before END:\(component) on line \(line.number); add END:\(innermost.component)")
                }
                open.removeLast()
                if component == "VEVENT" {
                    if let event = try event(begunOn: innermost.line, properties: properties) {
                        events.append(event)
                    } else if !properties.contains(where: { $0.name == "STATUS" && $0.value.uppercased() == "CANCELLED" }) {
                        let summary = properties.first { $0.name == "SUMMARY" }.map { unescape($0.value) }
                        timed.append(TimedEvent(line: innermost.line, summary: summary?.isEmpty == false ? summary : nil))
                    }
                }
            default:
                guard let innermost = open.last else {
                    throw ICalendarError(.structure, line: line.number,
                        "\(line.name) outside a calendar; put it between BEGIN:VCALENDAR and END:VCALENDAR")
                }
                // Only the event's own properties: not those of a VALARM inside it.
                if innermost.component == "VEVENT" { properties.append(line) }
            }
        }
        if let innermost = open.last {
            throw ICalendarError(.structure, line: innermost.line,
                "BEGIN:\(innermost.component) is never ended (is the file cut short?); add END:\(innermost.component)")
        }
        return (events, timed)
    }

    /// The event a `VEVENT`'s properties describe, or nil when it has a time of day.
    private static func event(begunOn line: Int, properties: [ContentLine]) throws(ICalendarError) -> Event? {
        func property(_ name: String) -> ContentLine? { properties.first { $0.name == name } }
        guard let dtstart = property("DTSTART") else {
            throw ICalendarError(.missingStart, line: line,
                "this VEVENT has no DTSTART; add one such as DTSTART;VALUE=DATE:20261126")
        }
        let start = try dateValue(dtstart)
        guard !start.hasTime else { return nil }

        var days = 1
        if let dtend = property("DTEND") {
            let end = try dateValue(dtend)
            guard !end.hasTime else {
                throw ICalendarError(.invalidValue, line: dtend.number,
                    "DTEND has a time of day but DTSTART is a date; write DTEND;VALUE=DATE:YYYYMMDD (the day after the last day)")
            }
            days = max(1, end.date.daysSinceEpoch - start.date.daysSinceEpoch)
        } else if let duration = property("DURATION") {
            days = try durationDays(duration)
        }

        var extraDates: [LocalDate] = [], excluded = Set<LocalDate>()
        for line in properties where line.name == "RDATE" || line.name == "EXDATE" {
            for date in try dateList(line) {
                if line.name == "RDATE" { extraDates.append(date) } else { excluded.insert(date) }
            }
        }
        var event = Event(
            start: start.date, days: days, extraDates: extraDates, excludedDates: excluded,
            uid: property("UID")?.value, isCancelled: property("STATUS")?.value.uppercased() == "CANCELLED"
        )
        if let summary = property("SUMMARY").map({ unescape($0.value) }), !summary.isEmpty { event.summary = summary }
        if let rrule = property("RRULE") { event.rule = try YearlyRule(rrule) }
        if let recurrenceID = property("RECURRENCE-ID") { event.recurrenceID = try dateValue(recurrenceID).date }
        return event
    }

    /// Reads a `DATE` (`20261126`) or `DATE-TIME` (`20261126T090000`, `…Z`) value.
    private static func dateValue(_ line: ContentLine) throws(ICalendarError) -> (date: LocalDate, hasTime: Bool) {
        let type = line.parameters["VALUE"]?.uppercased()
        guard let parsed = parseDate(Substring(line.value.trimmingSpaces())), type != "DATE" || !parsed.hasTime else {
            throw ICalendarError(.invalidValue, line: line.number,
                "\(line.name) \"\(line.value)\" is not a date; write YYYYMMDD, for example \(line.name);VALUE=DATE:20261126")
        }
        return parsed
    }

    /// The dates of an `RDATE` or `EXDATE` comma list; a date-time counts for its date.
    private static func dateList(_ line: ContentLine) throws(ICalendarError) -> [LocalDate] {
        if line.parameters["VALUE"]?.uppercased() == "PERIOD" {
            throw ICalendarError(.unsupported, line: line.number, "\(line.name);VALUE=PERIOD is not supported; list dates (YYYYMMDD) instead")
        }
        var dates: [LocalDate] = []
        for item in line.value.split(separator: ",") {
            guard let date = parseDate(Substring(item.trimmingSpaces()))?.date else {
                throw ICalendarError(.invalidValue, line: line.number,
                    "\(line.name) \"\(item)\" is not a date; write YYYYMMDD, several separated by commas")
            }
            dates.append(date)
        }
        return dates
    }

    /// `YYYYMMDD` or `YYYYMMDDTHHMMSS` with an optional `Z`; nil for anything else or a day that does not exist.
    static func parseDate(_ text: Substring) -> (date: LocalDate, hasTime: Bool)? {
        let digits = text.prefix(8)
        guard digits.count == 8, digits.allSatisfy(\.isASCIIDigit),
              let date = LocalDate(year: Int(digits.prefix(4))!, month: Int(digits.dropFirst(4).prefix(2))!, day: Int(digits.suffix(2))!)
        else { return nil }
        let rest = text.dropFirst(8)
        if rest.isEmpty { return (date, false) }
        let time = rest.dropFirst().prefix(6)
        guard rest.first == "T", time.count == 6, time.allSatisfy(\.isASCIIDigit),
              rest.dropFirst(7).isEmpty || rest.dropFirst(7) == "Z",
              Int(time.prefix(2))! < 24, Int(time.dropFirst(2).prefix(2))! < 60, Int(time.suffix(2))! <= 60
        else { return nil }
        return (date, true)
    }

    /// Days in a `DURATION` of whole days or weeks (`P1D`, `P2W`).
    private static func durationDays(_ line: ContentLine) throws(ICalendarError) -> Int {
        let value = line.value.trimmingSpaces()
        guard value.hasPrefix("P"), let unit = value.last, unit == "D" || unit == "W",
              let count = Int(value.dropFirst().dropLast()), count > 0
        else {
            throw ICalendarError(.invalidValue, line: line.number,
                "DURATION \"\(value)\" is not whole days or weeks; write P1D, P3D or P1W, or use DTEND;VALUE=DATE")
        }
        return unit == "W" ? count * 7 : count
    }

    /// Undoes TEXT escaping: `\,` `\;` `\\` and `\n` (or `\N`) for a line break.
    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
