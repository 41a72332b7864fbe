import Foundation
import Synchronization

/// The open spans of one calendar, built a local year at a time on first use and kept.
///
/// Each year holds its open spans as instants with running totals of open seconds, so
/// adding and measuring business time is a binary search, not a walk over days.
final class BusinessTimeline: Sendable {
    private let zone: TimeZone
    private let rules: @Sendable (LocalDate) -> DayRule
    /// Contiguous years built so far; replaced (never mutated) when it grows.
    private let table = Mutex<YearTable?>(nil)

    init(zone: TimeZone, rules: @escaping @Sendable (LocalDate) -> DayRule) {
        self.zone = zone
        self.rules = rules
    }

    /// The spans of the local year that holds instant `t`.
    func year(containing t: Int64) -> YearSpans {
        if let found = table.withLock({ $0 })?.year(containing: t) { return found }
        let wall = t + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        let guess = LocalDate(daysSinceEpoch: Int(floorDiv(wall, 86_400))).year
        // Cover the neighbours too: a year's first instants may belong to the year before.
        let grown = grow(toInclude: (guess - 1)...(guess + 1))
        return grown.year(containing: t)!
    }

    /// The spans of local year `y`.
    func year(_ y: Int) -> YearSpans {
        if let found = table.withLock({ $0 })?.year(y) { return found }
        return grow(toInclude: y...y).year(y)!
    }

    /// Builds the missing years between the table and `years`, outside the lock, then
    /// publishes the larger table (unless another thread published one first).
    private func grow(toInclude years: ClosedRange<Int>) -> YearTable {
        let current = table.withLock { $0 }
        let first = min(current?.firstYear ?? years.lowerBound, years.lowerBound)
        let last = max(current.map { $0.firstYear + $0.years.count - 1 } ?? years.upperBound, years.upperBound)
        var built: [YearSpans] = []
        built.reserveCapacity(last - first + 1)
        for y in first...last {
            built.append(current?.year(y) ?? YearSpans(year: y, zone: zone, rules: rules))
        }
        let candidate = YearTable(firstYear: first, years: built)
        return table.withLock { published in
            if let published, published.firstYear <= first, published.firstYear + published.years.count - 1 >= last {
                return published
            }
            published = candidate
            return candidate
        }
    }
}

/// Consecutive local years of spans, found by arithmetic rather than hashing.
final class YearTable: Sendable {
    let firstYear: Int
    let years: [YearSpans]

    init(firstYear: Int, years: [YearSpans]) {
        self.firstYear = firstYear
        self.years = years
    }

    func year(_ y: Int) -> YearSpans? {
        let i = y - firstYear
        return years.indices.contains(i) ? years[i] : nil
    }

    func year(containing t: Int64) -> YearSpans? {
        guard let firstSpan = years.first, t >= firstSpan.lower, t < years[years.count - 1].upper else { return nil }
        var i = min(Int((t - firstSpan.lower) / 31_556_952), years.count - 1)
        while t < years[i].lower { i -= 1 }
        while t >= years[i].upper { i += 1 }
        return years[i]
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
    let starts: [Int64]
    let ends: [Int64]
    /// Open seconds in this year up to the end of span i.
    let cumulative: [Int64]

    var total: Int64 { cumulative.last ?? 0 }

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

        var starts: [Int64] = [], ends: [Int64] = [], cumulative: [Int64] = []
        var running: Int64 = 0
        for span in raw {
            let lo = max(span.lowerBound, lower), hi = min(span.upperBound, upper)
            guard lo < hi else { continue }
            if let lastEnd = ends.last, lo <= lastEnd {
                // Touching or overlapping: merge into the previous span.
                if hi > lastEnd {
                    running += hi - lastEnd
                    ends[ends.count - 1] = hi
                    cumulative[cumulative.count - 1] = running
                }
            } else {
                running += hi - lo
                starts.append(lo)
                ends.append(hi)
                cumulative.append(running)
            }
        }
        self.starts = starts
        self.ends = ends
        self.cumulative = cumulative
    }

    /// Open seconds in this year before instant `t` (clamped to the year).
    func openSeconds(before t: Int64) -> Int64 {
        // Last span starting before t.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return 0 }
        let i = lo - 1
        let before = i > 0 ? cumulative[i - 1] : 0
        return before + min(t, ends[i]) - starts[i]
    }

    /// The earliest instant by which this year has accumulated `amount` open seconds,
    /// for `0 < amount <= total`.
    func instant(reaching amount: Int64) -> Int64 {
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] >= amount { hi = mid } else { lo = mid + 1 }
        }
        let before = lo > 0 ? cumulative[lo - 1] : 0
        return starts[lo] + (amount - before)
    }

    /// The first open instant at or after `t` in this year, or nil.
    func firstOpen(atOrAfter t: Int64) -> Int64? {
        var lo = 0, hi = ends.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        guard lo < ends.count else { return nil }
        return max(starts[lo], t)
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
