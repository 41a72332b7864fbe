import Synchronization

/// One metric's name, help, type and series: the storage behind `MetricCounter` and
/// `MetricGauge`. Thread-safe; each family has its own lock.
final class MetricFamily: Sendable {
    enum Kind: String, Sendable {
        case counter, gauge
    }

    private struct State {
        var series: [[String]: Double] = [:]
    }

    let name: String
    let help: String
    let kind: Kind
    let labelNames: [String]
    let maxSeries: Int
    /// Counts updates dropped because this family was full; nil for the overflow family itself.
    private let overflow: MetricFamily?
    private let state = Mutex(State())

    init(name: String, help: String, kind: Kind, labelNames: [String], maxSeries: Int, overflow: MetricFamily?) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        self.maxSeries = maxSeries
        self.overflow = overflow
        if labelNames.isEmpty {
            state.withLock { $0.series[[]] = 0 }
        }
    }

    /// Adds `delta` to a series, creating it at 0 first.
    func add(_ delta: Double, labels: [String]) {
        update(labels) { $0 += delta }
    }

    /// Sets a series.
    func set(_ value: Double, labels: [String]) {
        update(labels) { $0 = value }
    }

    /// The value of a series; 0 when it does not exist.
    func value(labels: [String]) -> Double {
        state.withLock { $0.series[labels] ?? 0 }
    }

    /// Creates the series at 0 if missing, beyond the series cap if need be: for closed
    /// label sets, so every value shows from the start.
    func declare(labels: [String]) {
        precondition(labels.count == labelNames.count, "\(name): \(labels.count) label values for \(labelNames.count) labels")
        state.withLock { state in
            if state.series[labels] == nil { state.series[labels] = 0 }
        }
    }

    /// Drops the series whose label values `predicate` accepts.
    func removeSeries(where predicate: ([String]) -> Bool) {
        state.withLock { state in
            state.series = state.series.filter { !predicate($0.key) }
        }
    }

    /// Appends this family in the text format: `# HELP`, `# TYPE`, then one line per
    /// series in label-value order.
    func render(into text: inout String) {
        let series = state.withLock { $0.series }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        text += "# HELP \(name) \(PrometheusText.help(help))\n"
        text += "# TYPE \(name) \(kind.rawValue)\n"
        for (labels, value) in series {
            text += name + PrometheusText.labels(names: labelNames, values: labels) + " " + PrometheusText.value(value) + "\n"
        }
    }

    private func update(_ labels: [String], _ change: (inout Double) -> Void) {
        precondition(labels.count == labelNames.count, "\(name): \(labels.count) label values for \(labelNames.count) labels")
        let stored = state.withLock { state -> Bool in
            if state.series[labels] == nil {
                guard state.series.count < maxSeries else { return false }
                state.series[labels] = 0
            }
            change(&state.series[labels]!)
            return true
        }
        if !stored {
            overflow?.add(1, labels: [])
        }
    }
}
