import Foundation
import Synchronization

/// The open spans of one calendar, built a local year at a time on first use and kept.
///
/// The years built so far form one `SpanTable` of consecutive years with a running
/// total of open seconds, so adding and measuring business time is a binary search,
/// not a walk over days. A table is never changed once published: a request outside it
/// builds the missing years and publishes a larger table.
final class BusinessTimeline: Sendable {
    private let zone: TimeZone
    private let rules: @Sendable (LocalDate) -> DayRule
    private let published = Mutex<SpanTable?>(nil)

    init(zone: TimeZone, rules: @escaping @Sendable (LocalDate) -> DayRule) {
        self.zone = zone
        self.rules = rules
    }

    /// A table whose range holds instant `t` (`lower <= t < upper`).
    func table(covering t: Int64) -> SpanTable {
        if let table = published.withLock({ $0 }), table.covers(t) { return table }
        let wall = t + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        let year = LocalDate(daysSinceEpoch: Int(floorDiv(wall, 86_400))).year
        // The neighbours too: a year's first instants may belong to the year before.
        return grow(toInclude: (year - 1)...(year + 1))
    }

    /// A table that also holds the `years` local years after the current table's last.
    func table(extending table: SpanTable, byYears years: Int) -> SpanTable {
        grow(toInclude: table.firstYear...(table.lastYear + years))
    }

    /// Builds the missing years outside the lock, then publishes the larger table
    /// (unless another thread published one that already covers them).
    private func grow(toInclude years: ClosedRange<Int>) -> SpanTable {
        let current = published.withLock { $0 }
        let first = min(current?.firstYear ?? years.lowerBound, years.lowerBound)
        let last = max(current?.lastYear ?? years.upperBound, years.upperBound)
        let built = (first...last).map { year in
            current?.yearSpans(year) ?? YearSpans(year: year, zone: zone, rules: rules)
        }
        let candidate = SpanTable(years: built)
        return published.withLock { table in
            if let table, table.firstYear <= first, table.lastYear >= last { return table }
            table = candidate
            return candidate
        }
    }
}

/// The open spans of consecutive local years as one sorted list with running totals.
final class SpanTable: Sendable {
    let firstYear: Int
    /// The first instant of the first year.
    let lower: Int64
    /// The first instant after the last year.
    let upper: Int64
    let starts: [Int64]
    let ends: [Int64]
    /// Open seconds from `lower` to the end of span i.
    let cumulative: [Int64]
    /// The per-year spans the table was made from, kept to build a larger table.
    private let years: [YearSpans]

    var lastYear: Int { firstYear + years.count - 1 }
    /// Open seconds in the whole table.
    var total: Int64 { cumulative.last ?? 0 }

    init(years: [YearSpans]) {
        self.years = years
        firstYear = years[0].year
        lower = years[0].lower
        upper = years[years.count - 1].upper
        var starts: [Int64] = [], ends: [Int64] = [], cumulative: [Int64] = []
        var running: Int64 = 0
        for year in years {
            for (start, end) in zip(year.starts, year.ends) {
                if let last = ends.last, last == start {
                    // One window cut at a local new year: join it again.
                    ends[ends.count - 1] = end
                } else {
                    starts.append(start)
                    ends.append(end)
                    cumulative.append(running)
                }
                running += end - start
                cumulative[cumulative.count - 1] = running
            }
        }
        self.starts = starts
        self.ends = ends
        self.cumulative = cumulative
    }

    func covers(_ t: Int64) -> Bool { t >= lower && t < upper }

    func yearSpans(_ year: Int) -> YearSpans? {
        let i = year - firstYear
        return years.indices.contains(i) ? years[i] : nil
    }

    /// Open seconds from `lower` to `t`, for `lower <= t <= upper`.
    func openSeconds(before t: Int64) -> Int64 {
        // The last span starting before t.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if starts[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return 0 }
        let i = lo - 1
        return cumulative[i] - (ends[i] - starts[i]) + min(t, ends[i]) - starts[i]
    }

    /// The earliest instant by which `amount` open seconds have accumulated from `lower`,
    /// for `0 < amount <= total`.
    func instant(reaching amount: Int64) -> Int64 {
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cumulative[mid] >= amount { hi = mid } else { lo = mid + 1 }
        }
        return ends[lo] - (cumulative[lo] - amount)
    }

    /// The index of the first span that ends after `t`, or `starts.count`.
    func firstSpan(endingAfter t: Int64) -> Int {
        var lo = 0, hi = ends.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The open spans of one local year, clipped to the instants between the year's first
/// local midnight and the next year's.
final class YearSpans: Sendable {
    let year: Int
    /// The instant of local `year-01-01 00:00` (the first instant at or after it).
    let lower: Int64
    /// The instant of local `(year+1)-01-01 00:00`.
    let upper: Int64
    /// Open spans in time order, disjoint and not touching.
    let starts: [Int64]
    let ends: [Int64]

    init(year: Int, zone: TimeZone, rules: (LocalDate) -> DayRule) {
        self.year = year
        let first = LocalDate(year: year, month: 1, day: 1)!
        let next = LocalDate(year: year + 1, month: 1, day: 1)!
        let firstWall = Int64(first.daysSinceEpoch) * 86_400
        let nextWall = Int64(next.daysSinceEpoch) * 86_400
        // Offsets are at most ±26 h; a three-day margin covers any zone.
        let offsets = ZoneOffsets(zone: zone, from: firstWall - 3 * 86_400, to: nextWall + 3 * 86_400)
        lower = offsets.firstInstant(wallAtLeast: firstWall)
        upper = offsets.firstInstant(wallAtLeast: nextWall)

        var raw: [Range<Int64>] = []
        // Start a day early: the last day of the year before may run an overnight window into this one.
        var date = first.adding(days: -1)
        while date < next {
            let midnight = Int64(date.daysSinceEpoch) * 86_400
            for window in rules(date).windows {
                let span = window.span
                offsets.instants(
                    wallTime: (midnight + Int64(span.lowerBound) * 60)..<(midnight + Int64(span.upperBound) * 60),
                    into: &raw
                )
            }
            date = date.adding(days: 1)
        }
        raw.sort { $0.lowerBound < $1.lowerBound }

        var starts: [Int64] = [], ends: [Int64] = []
        for span in raw {
            let lo = max(span.lowerBound, lower), hi = min(span.upperBound, upper)
            guard lo < hi else { continue }
            if let lastEnd = ends.last, lo <= lastEnd {
                // Touching or overlapping: merge into the previous span.
                ends[ends.count - 1] = max(lastEnd, hi)
            } else {
                starts.append(lo)
                ends.append(hi)
            }
        }
        self.starts = starts
        self.ends = ends
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
