public import Foundation

/// A Prometheus gauge: a value that goes up and down, one series per label set.
///
/// A handle on a swift-prometheus gauge family in a `MetricsRegistry`; copies share it.
/// The values live in the library and show only in `MetricsRegistry.render()`. Updates beyond the
/// metric's series limit are dropped and counted in `slawatch_metrics_dropped_updates_total`.
public struct MetricGauge<Labels: MetricLabels>: Sendable {
    let family: MetricFamily

    init(family: MetricFamily) {
        self.family = family
    }

    /// The metric's name.
    public var name: String { family.name }

    /// Sets the series for `labels`.
    public func set(_ value: Double, _ labels: Labels) {
        family.set(value, labels: labels.labelValues)
    }

    /// Adds `delta` (negative to subtract) to the series for `labels`.
    public func add(_ delta: Double, _ labels: Labels) {
        family.add(delta, labels: labels.labelValues)
    }

    /// Forgets every series whose label values `predicate` accepts.
    public func removeSeries(whereValues predicate: ([String]) -> Bool) {
        family.removeSeries(where: predicate)
    }
}

extension MetricGauge where Labels == MetricsRegistry.NoLabels {
    /// Sets the value.
    public func set(_ value: Double) {
        set(value, MetricsRegistry.NoLabels())
    }

    /// Sets the value from a count.
    public func set(_ value: Int) {
        set(Double(value), MetricsRegistry.NoLabels())
    }

    /// Sets the value to an instant, as Unix seconds with a fraction (the Prometheus
    /// convention for `*_timestamp_seconds`).
    public func set(_ instant: Date) {
        set(instant.timeIntervalSince1970, MetricsRegistry.NoLabels())
    }
}
