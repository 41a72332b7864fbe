public import SLAEngine

/// The figures of one row of a report (or its total): clocks counted in the period,
/// how many were met and breached, and business-time statistics.
public struct ComplianceStats: Sendable, Hashable {
    /// Clocks counted in the period: met, missed, and open past due.
    public var measured = 0
    /// Met by the due time.
    public var achieved = 0
    /// Missed (fulfilled late) plus breached (open, past due).
    public var breached = 0
    /// Business seconds from start to fulfilment of each fulfilled clock, for percentiles.
    public private(set) var fulfilledSeconds: [Int] = []
    /// Business seconds past the due time of each missed clock.
    public private(set) var overshootSeconds: [Int] = []

    public init() {}

    /// Counts one judged outcome.
    public mutating func add(_ outcome: ClockOutcome) {
        measured += 1
        switch outcome.state {
        case .met:
            achieved += 1
            fulfilledSeconds.append(outcome.elapsedSeconds)
        case .missed:
            breached += 1
            fulfilledSeconds.append(outcome.elapsedSeconds)
            overshootSeconds.append(max(0, outcome.elapsedSeconds - outcome.targetSeconds))
        case .breached, .running, .paused:
            breached += 1
        }
    }

    /// achieved / measured × 100, one decimal; nil when nothing was measured.
    public var achievedPercent: Double? {
        measured > 0 ? ComplianceStats.oneDecimal(Double(achieved) * 100 / Double(measured)) : nil
    }

    /// The median business seconds to fulfilment (nearest rank); nil with none fulfilled.
    public var p50Seconds: Int? { ComplianceStats.percentile(50, of: fulfilledSeconds) }
    /// The 90th percentile (nearest rank); nil with none fulfilled.
    public var p90Seconds: Int? { ComplianceStats.percentile(90, of: fulfilledSeconds) }

    /// The mean business seconds past the due time over missed clocks, one decimal; nil
    /// when none was missed.
    public var overshootAverageSeconds: Double? {
        guard !overshootSeconds.isEmpty else { return nil }
        return ComplianceStats.oneDecimal(Double(overshootSeconds.reduce(0, +)) / Double(overshootSeconds.count))
    }

    /// The nearest-rank percentile: the smallest value with at least `p` percent of the
    /// values at or below it (the value at rank ⌈p/100 × n⌉ in ascending order).
    public static func percentile(_ p: Int, of values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = (p * sorted.count + 99) / 100
        return sorted[max(1, rank) - 1]
    }

    static func oneDecimal(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }
}
