/// `credits:` for one customer tier: a customer below `target` in a period gets
/// `per_point` for each whole point below it, up to `cap`.
///
/// Percentages are kept in hundredths of a percent (`95%` is 9500), so whole points below
/// the target are counted exactly, with no rounding of an achieved share.
public struct CreditRule: Sendable, Hashable {
    /// The achieved share the tier is promised, in hundredths of a percent.
    public var target: Int
    /// The credit per whole point below the target, in hundredths of a percent.
    public var perPoint: Int
    /// The largest credit, in hundredths of a percent.
    public var cap: Int

    public init(target: Int, perPoint: Int, cap: Int) {
        self.target = target
        self.perPoint = perPoint
        self.cap = cap
    }

    /// The credit, in hundredths of a percent, for `achieved` of `measured` clocks met.
    public func credit(achieved: Int, measured: Int) -> Int {
        guard measured > 0 else { return 0 }
        // Whole points below the target: floor((target% − achieved%) ), with
        // achieved% = 100 × achieved / measured, worked in integers.
        let shortfall = target * measured - 10_000 * achieved
        guard shortfall > 0 else { return 0 }
        let points = shortfall / (100 * measured)
        return min(cap, perPoint * points)
    }
}

/// A customer's credit for a period, as reports list it.
public struct CreditLine: Sendable, Hashable {
    public var customer: String
    public var tier: String
    public var measured: Int
    /// One decimal.
    public var achievedPercent: Double
    /// In percent (`20.0`).
    public var creditPercent: Double
}
