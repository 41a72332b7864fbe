public import Foundation
import Prometheus
import Synchronization

/// slawatch's own metrics, served at `/metrics` in the Prometheus text format 0.0.4.
///
/// Every metric the daemon feeds is declared here, up front, with a typed handle:
/// `metrics.notifications.increment(channel: "support-leads", result: .delivered)`.
/// Thread-safe: handles can be used from any task or thread. The values live in a
/// swift-prometheus `PrometheusCollectorRegistry` of this registry's own (not the global
/// swift-metrics system, so each test and each daemon has its own), which `render()` asks
/// for the text; metrics and series come in the library's order, which is not sorted.
///
/// Bounded: labels are closed enums or configured names, and each metric keeps at most
/// `maxSeriesPerMetric` series; updates beyond that are dropped and counted in
/// `slawatch_metrics_dropped_updates_total`. After a reload, `retain(channels:sources:)`
/// forgets the series of channels and sources no longer configured.
public final class MetricsRegistry: Sendable {
    /// The most series one metric keeps.
    public let maxSeriesPerMetric: Int

    /// `slawatch_tickets`: tickets watched at the last tick (open or recently solved, as
    /// the sources report them).
    public let tickets: MetricGauge<NoLabels>
    /// `slawatch_clocks{state}`: SLA clocks at the last tick, by state; every state is
    /// always present. Set all of them at once with `clocks.set(counts:)`.
    public let clocks: MetricGauge<ClockStateLabel>
    /// `slawatch_threshold_crossings_total{kind}`: ladder thresholds crossed (steps fired).
    public let thresholdCrossings: MetricCounter<CrossingKind>
    /// `slawatch_risks_total{risk}`: risk occurrences fired to a team (once per occurrence,
    /// however many channels hear it).
    public let risks: MetricCounter<RiskLabel>
    /// `slawatch_surges_total{by}`: surges of open tickets announced.
    public let surges: MetricCounter<SurgeLabel>
    /// `slawatch_notifications_total{channel,result}`: finished deliveries, by channel and
    /// how they ended.
    public let notifications: MetricCounter<NotificationLabels>
    /// `slawatch_delivery_retries_total{channel}`: delivery attempts beyond the first.
    public let deliveryRetries: MetricCounter<ChannelLabel>
    /// `slawatch_dead_letters_total{channel}`: messages given up on.
    public let deadLetters: MetricCounter<ChannelLabel>
    /// `slawatch_outbox_messages`: messages waiting in the outbox.
    public let outboxDepth: MetricGauge<NoLabels>
    /// `slawatch_source_poll_duration_seconds{source}`: how long the last poll of each
    /// source took, successful or not.
    public let pollLatency: MetricGauge<SourceLabel>
    /// `slawatch_source_poll_errors_total{source}`: polls that failed.
    public let pollErrors: MetricCounter<SourceLabel>
    /// `slawatch_config_last_reload_success_timestamp_seconds`: when the configuration was
    /// last loaded successfully (start-up included), Unix seconds.
    public let lastReloadSuccess: MetricGauge<NoLabels>
    /// `slawatch_config_last_reload_successful`: 1 when the last load or reload succeeded,
    /// 0 when it was refused (the previous configuration stays in force).
    public let lastReloadSuccessful: MetricGauge<NoLabels>
    /// `slawatch_last_tick_timestamp_seconds`: when the last tick finished, Unix seconds.
    public let lastTick: MetricGauge<NoLabels>
    /// `slawatch_state_pruned_rows_total{table}`: state rows forgotten past the retention.
    public let statePruned: MetricCounter<TableLabel>

    private let registry: PrometheusCollectorRegistry
    /// Every declared metric name, so that a name declared twice is caught.
    private let names: Mutex<Set<String>>
    private let dropped: MetricFamily

    /// Declares every slawatch metric, and `slawatch_build_info{version} 1`.
    ///
    /// - Parameters:
    ///   - version: the slawatch version, for `slawatch_build_info`.
    ///   - maxSeriesPerMetric: the series cap per metric (default 500: room for 100
    ///     channels times every delivery result).
    public init(version: String, maxSeriesPerMetric: Int = 500) {
        self.maxSeriesPerMetric = maxSeriesPerMetric
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let dropped = MetricFamily(
            name: "slawatch_metrics_dropped_updates_total",
            help: "Metric updates dropped because the metric had reached its series limit; a sign of an unbounded label.",
            kind: .counter, labelNames: [], maxSeries: 1, overflow: nil, registry: registry
        )
        self.dropped = dropped
        var declared: Set<String> = [dropped.name]
        func family<L: MetricLabels>(_ name: String, _ kind: MetricFamily.Kind, _ help: String, _: L.Type) -> MetricFamily {
            declared.insert(name)
            return MetricFamily(
                name: name, help: help, kind: kind, labelNames: L.labelNames, maxSeries: maxSeriesPerMetric, overflow: dropped,
                registry: registry
            )
        }

        tickets = MetricGauge(family: family(
            "slawatch_tickets", .gauge, "Tickets watched at the last tick.", NoLabels.self))
        clocks = MetricGauge(family: family(
            "slawatch_clocks", .gauge, "SLA clocks at the last tick, by state.", ClockStateLabel.self))
        thresholdCrossings = MetricCounter(family: family(
            "slawatch_threshold_crossings_total", .counter,
            "Escalation ladder thresholds crossed, by kind of step.", CrossingKind.self))
        risks = MetricCounter(family: family(
            "slawatch_risks_total", .counter, "Risk occurrences fired to a team, by risk.", RiskLabel.self))
        surges = MetricCounter(family: family(
            "slawatch_surges_total", .counter, "Surges of open tickets announced, by what they were counted by.", SurgeLabel.self))
        notifications = MetricCounter(family: family(
            "slawatch_notifications_total", .counter,
            "Notifications whose delivery finished, by channel and result.", NotificationLabels.self))
        deliveryRetries = MetricCounter(family: family(
            "slawatch_delivery_retries_total", .counter, "Delivery attempts beyond the first, by channel.", ChannelLabel.self))
        deadLetters = MetricCounter(family: family(
            "slawatch_dead_letters_total", .counter, "Notifications given up on, by channel.", ChannelLabel.self))
        outboxDepth = MetricGauge(family: family(
            "slawatch_outbox_messages", .gauge, "Messages waiting in the outbox.", NoLabels.self))
        pollLatency = MetricGauge(family: family(
            "slawatch_source_poll_duration_seconds", .gauge, "How long the last poll of each source took.", SourceLabel.self))
        pollErrors = MetricCounter(family: family(
            "slawatch_source_poll_errors_total", .counter, "Source polls that failed.", SourceLabel.self))
        lastReloadSuccess = MetricGauge(family: family(
            "slawatch_config_last_reload_success_timestamp_seconds", .gauge,
            "When the configuration was last loaded successfully, in Unix seconds.", NoLabels.self))
        lastReloadSuccessful = MetricGauge(family: family(
            "slawatch_config_last_reload_successful", .gauge,
            "Whether the last configuration load or reload succeeded (1) or was refused (0).", NoLabels.self))
        statePruned = MetricCounter(family: family(
            "slawatch_state_pruned_rows_total", .counter, "State rows forgotten once older than the retention, by table.",
            TableLabel.self))
        lastTick = MetricGauge(family: family(
            "slawatch_last_tick_timestamp_seconds", .gauge, "When the last tick finished, in Unix seconds.", NoLabels.self))
        let buildInfo = family(
            "slawatch_build_info", .gauge, "Always 1; the labels tell which slawatch is running.", BuildLabels.self)
        buildInfo.set(1, labels: BuildLabels(version: version).labelValues)

        for state in ClockStateLabel.allCases {
            clocks.family.declare(labels: state.labelValues)
        }
        for kind in CrossingKind.allCases {
            thresholdCrossings.family.declare(labels: kind.labelValues)
        }
        names = Mutex(declared)
    }

    /// Declares a further counter. `name` must follow Prometheus rules and end in `_total`;
    /// declaring a name twice is a programming error.
    public func counter<L: MetricLabels>(_ name: String, help: String, labels: L.Type) -> MetricCounter<L> {
        MetricCounter(family: declare(name, help: help, kind: .counter, labels: labels))
    }

    /// Declares a further gauge. `name` must follow Prometheus rules; declaring a name twice
    /// is a programming error.
    public func gauge<L: MetricLabels>(_ name: String, help: String, labels: L.Type) -> MetricGauge<L> {
        MetricGauge(family: declare(name, help: help, kind: .gauge, labels: labels))
    }

    /// Records the outcome of a configuration load or reload: on success both reload
    /// gauges, on failure only `lastReloadSuccessful` (0).
    public func recordReload(succeeded: Bool, at instant: Date) {
        lastReloadSuccessful.set(succeeded ? 1 : 0)
        if succeeded {
            lastReloadSuccess.set(instant)
        }
    }

    /// Forgets the series of channels and sources not in these sets, after a reload
    /// renamed or removed some; their counters then restart from 0 if they come back.
    public func retain(channels: Set<String>, sources: Set<String>) {
        notifications.removeSeries { !channels.contains($0[0]) }
        deliveryRetries.removeSeries { !channels.contains($0[0]) }
        deadLetters.removeSeries { !channels.contains($0[0]) }
        pollLatency.removeSeries { !sources.contains($0[0]) }
        pollErrors.removeSeries { !sources.contains($0[0]) }
    }

    /// Every metric in the text exposition format 0.0.4, rendered by swift-prometheus.
    ///
    /// A metric whose series were all removed, or that has labels and no series yet, is
    /// left out; a metric without labels is always there.
    public func render() -> String {
        registry.emitToString()
    }

    /// The `Content-Type` to serve `render()` with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A further metric's storage. swift-prometheus rewrites a name that breaks the
    /// Prometheus rules rather than refusing it; a counter must still end in `_total`.
    private func declare<L: MetricLabels>(_ name: String, help: String, kind: MetricFamily.Kind, labels: L.Type) -> MetricFamily {
        precondition(kind != .counter || name.hasSuffix("_total"), "counter \(name) must end in _total")
        names.withLock { names in
            precondition(names.insert(name).inserted, "metric \(name) declared twice")
        }
        return MetricFamily(
            name: name, help: help, kind: kind, labelNames: L.labelNames, maxSeries: maxSeriesPerMetric, overflow: dropped,
            registry: registry
        )
    }
}
