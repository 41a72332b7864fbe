/// The labels of one series of a metric: their names, fixed per type, and their values.
///
/// Each metric takes one `MetricLabels` type, so a call site cannot pass a label the
/// metric does not have. Keep every label bounded: closed enums, or names taken from the
/// configuration (channels, sources); never ticket ids or error text. `MetricsRegistry`
/// also caps each metric's series (`MetricsRegistry.maxSeriesPerMetric`).
public protocol MetricLabels: Hashable, Sendable {
    /// The label names, in the order `labelValues` gives their values. Names follow
    /// Prometheus rules: `[a-zA-Z_][a-zA-Z0-9_]*`.
    static var labelNames: [String] { get }
    /// The values, one per name.
    var labelValues: [String] { get }
}
