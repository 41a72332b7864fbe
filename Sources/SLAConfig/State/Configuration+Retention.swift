import SLAEngine

extension Configuration {
    /// `retention` when unset: 400 days, so a report over the last twelve months, and the
    /// same month a year ago, still finds its clocks.
    public static let defaultRetention = 400 * 86_400

    /// The shortest `retention`: 35 days, so last month's scheduled report (sent up to a
    /// few days into the next month) and a week of surge samples are always there.
    public static let minimumRetention = 35 * 86_400

    /// Reads `retention`: a duration no shorter than `minimumRetention` nor than the window
    /// `repeated_breaches` counts breaches over (a breach forgotten inside it would lower
    /// the count and skip an escalation).
    static func readRetention(_ node: ConfigNode?, repeatedBreaches: RepeatedBreachRule?) -> Int {
        guard let node, let retention = node.duration() else { return defaultRetention }
        let written = DurationText.compact(retention)
        if retention < minimumRetention {
            node.report("is \(written); keep at least 35d, so last month's report and a week of surge samples are never cut short")
        } else if let rule = repeatedBreaches, retention < rule.windowSeconds {
            node.report("is \(written), shorter than repeated_breaches.within (\(DurationText.compact(rule.windowSeconds))): "
                + "breaches inside that window would be forgotten; make retention at least as long")
        }
        return retention
    }
}
