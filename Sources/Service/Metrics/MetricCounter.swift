/// A Prometheus counter: a total that only goes up, one series per label set.
///
/// A handle on a swift-prometheus counter family in a `MetricsRegistry`; copies share it.
/// The values live in the library and show only in `MetricsRegistry.render()`. Negative increments are
/// ignored (a counter that went down would read as a restart). Increments beyond the
/// metric's series limit are dropped and counted in `slawatch_metrics_dropped_updates_total`.
public struct MetricCounter<Labels: MetricLabels>: Sendable {
    let family: MetricFamily

    init(family: MetricFamily) {
        self.family = family
    }

    /// The metric's name, `_total` included.
    public var name: String { family.name }

    /// Adds `amount` (default 1) to the series for `labels`.
    public func increment(_ labels: Labels, by amount: Double = 1) {
        guard amount > 0 else { return }
        family.add(amount, labels: labels.labelValues)
    }

    /// Shows the series for `labels` at 0 before its first increment.
    public func declare(_ labels: Labels) {
        family.declare(labels: labels.labelValues)
    }

    /// Forgets every series whose label values `predicate` accepts.
    public func removeSeries(whereValues predicate: ([String]) -> Bool) {
        family.removeSeries(where: predicate)
    }
}

extension MetricCounter where Labels == MetricsRegistry.NoLabels {
    /// Adds `amount` (default 1).
    public func increment(by amount: Double = 1) {
        increment(MetricsRegistry.NoLabels(), by: amount)
    }
}
