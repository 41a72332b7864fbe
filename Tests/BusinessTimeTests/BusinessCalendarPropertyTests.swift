import Foundation
import Testing
import BusinessTime

/// A calendar for property tests, with an independent reading of "open": straight from the
/// design's definition, using only Foundation's offset for the instant.
struct PropertyCalendar: Sendable, CustomTestStringConvertible {
    let name: String
    let zoneID: String
    /// Whether to draw instants around this zone's daylight-saving changes as well.
    let hasDST: Bool
    /// Shared by all tests, so its year table is also built and read concurrently.
    let calendar: BusinessCalendar
    private let schedule: WeeklySchedule
    private let holidays: [LocalDate: Holiday]
    private let timeZone: TimeZone

    init(name: String, zoneID: String, days: [String: [String]], holidays: [Holiday] = [], hasDST: Bool) {
        self.name = name
        self.zoneID = zoneID
        self.hasDST = hasDST
        schedule = week(days)
        timeZone = zone(zoneID)
        self.holidays = Dictionary(holidays.map { ($0.date, $0) }) { first, second in first.hours == nil ? first : second }
        calendar = name == "24x7"
            ? .alwaysOpen
            : BusinessCalendar(name: name, timeZone: timeZone, week: schedule, holidays: holidays)
    }

    var testDescription: String { name }

    /// An instant is open when its local wall time falls inside an open window of its local
    /// date; a window past midnight belongs to the date it starts on.
    func oracleIsOpen(_ t: Int64) -> Bool {
        if calendar.isAlwaysOpen { return true }
        func windows(_ date: LocalDate) -> [TimeWindow] {
            guard let holiday = holidays[date] else { return schedule[date.weekday] }
            return holiday.hours ?? []
        }
        let wall = t + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        let second = Int(((wall % 86_400) + 86_400) % 86_400)
        let date = LocalDate(daysSinceEpoch: Int((wall - Int64(second)) / 86_400))
        let minute = second / 60
        return windows(date).contains { ($0.startMinute..<($0.isOvernight ? 1440 : $0.endMinute)).contains(minute) }
            || windows(date.adding(days: -1)).contains { $0.isOvernight && minute < $0.endMinute }
    }
}

/// Properties of business-time arithmetic over many random instants (2020 to 2035) and
/// targets (0 to 300 business hours), half of the instants within two days of a
/// daylight-saving change. The seed is fixed.
@Suite struct BusinessCalendarPropertyTests {
    static let calendars: [PropertyCalendar] = [
        PropertyCalendar(
            name: "new-york office", zoneID: "America/New_York", days: ["mon-fri": ["09:00-17:00"]],
            holidays: [
                Holiday(date: day("2026-11-26")), Holiday(date: day("2026-12-25")),
                Holiday(date: day("2026-12-24"), hours: [window("09:00-13:00")]),
                Holiday(date: day("2029-07-04")), Holiday(date: day("2031-03-10"), hours: [window("10:00-12:00")]),
            ],
            hasDST: true
        ),
        PropertyCalendar(
            name: "berlin split shift", zoneID: "Europe/Berlin",
            days: ["mon-thu": ["08:00-12:00", "13:00-17:00"], "fri": ["08:00-15:00"], "sun": ["01:00-04:00"]],
            holidays: [Holiday(date: day("2027-10-31"), hours: [window("02:00-03:00")])], hasDST: true
        ),
        PropertyCalendar(
            name: "kolkata", zoneID: "Asia/Kolkata", days: ["mon-sat": ["09:30-18:30"]],
            holidays: [Holiday(date: day("2026-01-26"))], hasDST: false
        ),
        PropertyCalendar(
            name: "new-york nights", zoneID: "America/New_York", days: ["sun-thu": ["22:00-06:00"], "sat": ["23:30-01:30"]],
            holidays: [Holiday(date: day("2026-11-25")), Holiday(date: day("2030-12-31"), hours: [window("20:00-02:00")])],
            hasDST: true
        ),
        PropertyCalendar(name: "24x7", zoneID: "UTC", days: [:], hasDST: false),
    ]

    static let samples = 3000
    static let earliest: Int64 = 1_577_836_800  // 2020-01-01T00:00:00Z
    static let latest: Int64 = 2_082_758_400  // 2036-01-01T00:00:00Z
    static let maxTarget: Int64 = 300 * 3600

    /// Daylight-saving changes of a zone between `earliest` and `latest`, from Foundation.
    static func transitions(_ zoneID: String) -> [Int64] {
        var result: [Int64] = []
        var t = Date(timeIntervalSince1970: TimeInterval(earliest))
        while let next = zone(zoneID).nextDaylightSavingTimeTransition(after: t), next.timeIntervalSince1970 < TimeInterval(latest) {
            result.append(Int64(next.timeIntervalSince1970))
            t = next
        }
        return result
    }

    /// Random whole-second instants, every other one near a daylight-saving change, and
    /// one in four on a quarter hour, where windows open and close.
    static func instants(_ spec: PropertyCalendar, _ rng: inout SplitMix64) -> [Int64] {
        let changes = spec.hasDST ? transitions(spec.zoneID) : []
        return (0..<samples).map { i in
            var t = Int64.random(in: earliest..<latest, using: &rng)
            if i % 2 == 1, let change = changes.randomElement(using: &rng) {
                t = change + Int64.random(in: -2 * 86_400...2 * 86_400, using: &rng)
            }
            return i % 4 < 2 ? t - t % 900 : t
        }
    }

    /// A target: now and then zero, often whole quarter hours (so that sums land exactly
    /// on window ends), otherwise any number of seconds.
    static func target(_ rng: inout SplitMix64) -> Int64 {
        switch rng.next() % 8 {
        case 0: 0
        case 1, 2, 3: Int64.random(in: 0...(maxTarget / 900), using: &rng) * 900
        default: Int64.random(in: 1...maxTarget, using: &rng)
        }
    }

    @Test(arguments: calendars)
    func measuringWhatWasAddedGivesItBack(_ spec: PropertyCalendar) throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        for start in Self.instants(spec, &rng) {
            let amount = Self.target(&rng)
            let due = try #require(spec.calendar.adding(amount, toEpoch: start))
            #expect(spec.calendar.duration(fromEpoch: start, toEpoch: due) == amount, "start \(start) + \(amount)")
        }
    }

    @Test(arguments: calendars)
    func addingEndsInsideOrAtTheEndOfAnOpenSpan(_ spec: PropertyCalendar) throws {
        var rng = SplitMix64(seed: 0x5EED_0002)
        for start in Self.instants(spec, &rng) {
            let amount = Self.target(&rng)
            let due = try #require(spec.calendar.adding(amount, toEpoch: start))
            if amount == 0 {
                #expect(due == start)
            } else {
                // The last second counted is open: `due` is open or exactly a span's end,
                // never strictly inside a closed gap (Friday 17:00, not Monday 09:00).
                #expect(spec.oracleIsOpen(due - 1), "start \(start) + \(amount) → \(due)")
                #expect(due > start)
            }
        }
    }

    @Test(arguments: calendars)
    func addingWhatWasMeasuredEndsAtTheFirstInstantItIsReached(_ spec: PropertyCalendar) throws {
        var rng = SplitMix64(seed: 0x5EED_0007)
        let instants = Self.instants(spec, &rng)
        for (i, start) in instants.enumerated() {
            let end = max(start, instants[(i + 7) % instants.count] - instants[(i + 7) % instants.count] % 3600)
            let measured = spec.calendar.duration(fromEpoch: start, toEpoch: end)
            guard measured > 0 else { continue }
            let due = try #require(spec.calendar.adding(measured, toEpoch: start))
            // `end` itself when the second before it is open (a window's end included),
            // otherwise the end of the last open span before it.
            #expect(due <= end && (due == end || !spec.oracleIsOpen(end - 1)), "\(start) to \(end)")
        }
    }

    @Test(arguments: calendars)
    func addingInTwoStepsIsAddingOnce(_ spec: PropertyCalendar) throws {
        var rng = SplitMix64(seed: 0x5EED_0003)
        for start in Self.instants(spec, &rng) {
            let first = Self.target(&rng), second = Self.target(&rng)
            let middle = try #require(spec.calendar.adding(first, toEpoch: start))
            #expect(spec.calendar.adding(second, toEpoch: middle) == spec.calendar.adding(first + second, toEpoch: start),
                    "start \(start) + \(first) + \(second)")
        }
    }

    @Test(arguments: calendars)
    func durationIsAdditive(_ spec: PropertyCalendar) {
        var rng = SplitMix64(seed: 0x5EED_0004)
        let instants = Self.instants(spec, &rng)
        for (i, start) in instants.enumerated() {
            // Spans from seconds to years, crossing local new years.
            let points = [start, instants[(i + 1) % instants.count], start + Int64.random(in: 0...40 * 86_400, using: &rng)].sorted()
            let (a, b, c) = (points[0], points[1], points[2])
            #expect(spec.calendar.duration(fromEpoch: a, toEpoch: b) + spec.calendar.duration(fromEpoch: b, toEpoch: c)
                    == spec.calendar.duration(fromEpoch: a, toEpoch: c), "\(a) \(b) \(c)")
        }
    }

    @Test(arguments: calendars)
    func isOpenFollowsTheDefinition(_ spec: PropertyCalendar) {
        var rng = SplitMix64(seed: 0x5EED_0005)
        for t in Self.instants(spec, &rng) {
            #expect(spec.calendar.isOpen(at: Date(timeIntervalSince1970: TimeInterval(t))) == spec.oracleIsOpen(t), "at \(t)")
        }
    }

    @Test(arguments: calendars)
    func nextOpenAndOpenIntervalsAgreeWithDuration(_ spec: PropertyCalendar) throws {
        var rng = SplitMix64(seed: 0x5EED_0006)
        for t in Self.instants(spec, &rng) {
            let open = try #require(spec.calendar.nextOpen(atOrAfterEpoch: t))
            #expect(open >= t && spec.oracleIsOpen(open) && spec.calendar.duration(fromEpoch: t, toEpoch: open) == 0, "at \(t)")

            let end = t + Int64.random(in: 0...10 * 86_400, using: &rng)
            let intervals = spec.calendar.openIntervals(
                from: Date(timeIntervalSince1970: TimeInterval(t)), to: Date(timeIntervalSince1970: TimeInterval(end))
            )
            let total = intervals.reduce(0) { $0 + Int($1.duration) }
            #expect(total == spec.calendar.duration(fromEpoch: t, toEpoch: end), "\(t) to \(end)")
            // In order, and separated by closed time.
            for (earlier, later) in zip(intervals, intervals.dropFirst()) {
                #expect(earlier.end < later.start && !spec.oracleIsOpen(Int64(earlier.end.timeIntervalSince1970)))
            }
        }
    }
}
