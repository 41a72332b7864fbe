import Prometheus
import Synchronization

/// One metric's name, help, type and label names, with swift-prometheus's handle for each
/// series: the storage behind `MetricCounter` and `MetricGauge`.
///
/// swift-prometheus keeps the values and renders them; this keeps the handles by label
/// values, since the library offers no cap on series and no way to look a series up or
/// list them for removal. Thread-safe; each family has its own lock.
final class MetricFamily: Sendable {
    enum Kind: Sendable {
        case counter, gauge
    }

    /// swift-prometheus's handle for one series.
    private enum Series: Sendable {
        case counter(Counter)
        case gauge(Gauge)
    }

    let name: String
    let kind: Kind
    let labelNames: [String]
    let maxSeries: Int
    let help: String
    private let registry: PrometheusCollectorRegistry
    /// Counts updates dropped because this family was full; nil for the overflow family itself.
    private let overflow: MetricFamily?
    private let series = Mutex<[[String]: Series]>([:])

    init(
        name: String, help: String, kind: Kind, labelNames: [String], maxSeries: Int, overflow: MetricFamily?,
        registry: PrometheusCollectorRegistry
    ) {
        self.name = name
        self.kind = kind
        self.labelNames = labelNames
        self.maxSeries = maxSeries
        self.overflow = overflow
        self.registry = registry
        self.help = help
        // A metric without labels has its one series from the start, at 0.
        if labelNames.isEmpty { declare(labels: []) }
    }

    /// Adds `delta` to a series, creating it at 0 first. A counter ignores a negative delta.
    func add(_ delta: Double, labels: [String]) {
        switch series(labels) {
        case .counter(let counter)?:
            guard delta > 0 else { return }
            if delta == delta.rounded(), delta < Double(Int64.max) {
                counter.increment(by: Int64(delta))
            } else {
                counter.increment(by: delta)
            }
        case .gauge(let gauge)?:
            gauge.increment(by: delta)
        case nil:
            overflow?.add(1, labels: [])
        }
    }

    /// Sets a gauge's series.
    func set(_ value: Double, labels: [String]) {
        switch series(labels) {
        case .gauge(let gauge)?: gauge.set(to: value)
        case .counter?: preconditionFailure("\(name) is a counter; counters are only added to")
        case nil: overflow?.add(1, labels: [])
        }
    }

    /// Creates the series at 0 if missing, beyond the series cap if need be: for closed
    /// label sets, so every value shows from the start.
    func declare(labels: [String]) {
        _ = series(labels, capped: false)
    }

    /// Drops the series whose label values `predicate` accepts, from this family and from
    /// what the registry renders.
    func removeSeries(where predicate: ([String]) -> Bool) {
        let removed = series.withLock { series in
            let removed = series.filter { predicate($0.key) }
            for labels in removed.keys { series[labels] = nil }
            return removed.values
        }
        for handle in removed {
            switch handle {
            case .counter(let counter): registry.unregisterCounter(counter)
            case .gauge(let gauge): registry.unregisterGauge(gauge)
            }
        }
    }

    /// The series for `labels`, made on first use; nil when the family is full.
    private func series(_ labels: [String], capped: Bool = true) -> Series? {
        precondition(labels.count == labelNames.count, "\(name): \(labels.count) label values for \(labelNames.count) labels")
        return series.withLock { series in
            if let existing = series[labels] { return existing }
            guard !capped || series.count < maxSeries else { return nil }
            let made = make(labels: Array(zip(labelNames, labels)))
            series[labels] = made
            return made
        }
    }

    private func make(labels: [(String, String)]) -> Series {
        let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
        return switch (kind, labels.isEmpty) {
        case (.counter, true): .counter(registry.makeCounter(descriptor: descriptor))
        case (.counter, false): .counter(registry.makeCounter(descriptor: descriptor, labels: labels))
        case (.gauge, true): .gauge(registry.makeGauge(descriptor: descriptor))
        case (.gauge, false): .gauge(registry.makeGauge(descriptor: descriptor, labels: labels))
        }
    }
}
