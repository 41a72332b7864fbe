import Foundation

/// The UTC offsets of a time zone over a range of instants, as pieces of constant offset.
///
/// Found by sampling the zone every few hours and bisecting each change to the second,
/// so it sees every offset change the zone database knows, DST or not.
struct ZoneOffsets {
    /// Start instant of each piece (epoch seconds); the first is the range's start.
    private(set) var starts: [Int64] = []
    /// Offset from UTC in seconds during each piece.
    private(set) var offsets: [Int64] = []
    let upperBound: Int64

    init(zone: TimeZone, from lower: Int64, to upper: Int64) {
        upperBound = upper
        let step: Int64 = 6 * 3600
        func offset(_ t: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        }
        var t = lower
        var current = offset(t)
        starts.append(t)
        offsets.append(current)
        while t < upper {
            let next = min(t + step, upper)
            let nextOffset = offset(next)
            if nextOffset != current {
                // Bisect: the change lies in (lo, hi].
                var lo = t, hi = next
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if offset(mid) == current { lo = mid } else { hi = mid }
                }
                starts.append(hi)
                offsets.append(nextOffset)
                current = nextOffset
            }
            t = next
        }
    }

    /// Appends to `out` the instants whose wall-clock time (instant + offset) lies in
    /// `wall`, in order. In a skipped hour nothing maps; in a repeated hour both passes do.
    func instants(wallTime wall: Range<Int64>, into out: inout [Range<Int64>]) {
        for k in starts.indices {
            let pieceEnd = k + 1 < starts.count ? starts[k + 1] : upperBound
            let lo = max(starts[k], wall.lowerBound - offsets[k])
            let hi = min(pieceEnd, wall.upperBound - offsets[k])
            if lo < hi { out.append(lo..<hi) }
        }
    }

    /// The first instant whose wall-clock time is at or after `wall`.
    func firstInstant(wallAtLeast wall: Int64) -> Int64 {
        for k in starts.indices {
            let pieceEnd = k + 1 < starts.count ? starts[k + 1] : upperBound
            let lo = max(starts[k], wall - offsets[k])
            if lo < pieceEnd { return lo }
        }
        return upperBound
    }
}
