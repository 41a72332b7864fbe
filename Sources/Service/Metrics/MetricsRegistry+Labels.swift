extension MetricsRegistry {
    /// No labels: the metric has a single series.
    public struct NoLabels: MetricLabels {
        public static let labelNames: [String] = []
        public var labelValues: [String] { [] }
        public init() {}
    }

    /// `state`: where an SLA clock stands. The raw values are SLAEngine's `ClockState`
    /// raw values, so `ClockStateLabel(rawValue: clock.state.rawValue)` maps one to the other.
    public enum ClockStateLabel: String, MetricLabels, CaseIterable {
        case running, paused, met, breached, missed
        public static let labelNames = ["state"]
        public var labelValues: [String] { [rawValue] }
    }

    /// `kind`: which kind of ladder step a crossed threshold fired. The raw values are those
    /// of SLAEngine's `Intent.Kind` that cross a threshold.
    public enum CrossingKind: String, MetricLabels, CaseIterable {
        /// A step before the due time (`75%`, `breach-1h`).
        case warning
        /// The first step at or after the due time.
        case breach
        /// A `repeat` of a step after the due time.
        case `repeat`
        public static let labelNames = ["kind"]
        public var labelValues: [String] { [rawValue] }
    }

    /// `risk`: an experience risk, by its `risks:` key.
    public enum RiskLabel: String, MetricLabels, CaseIterable {
        case followUps = "follow_ups", reassignments, reopened, pingPong = "ping_pong", stalled
        public static let labelNames = ["risk"]
        public var labelValues: [String] { [rawValue] }
    }

    /// `by`: what a surge rule counts open tickets by.
    public enum SurgeLabel: String, MetricLabels, CaseIterable {
        case group, tier, channel
        public static let labelNames = ["by"]
        public var labelValues: [String] { [rawValue] }
    }

    /// `result`: how a delivery ended. The raw values are Delivery's
    /// `DeliveryOutcome.Status` raw values.
    public enum NotificationResult: String, Sendable, Hashable, CaseIterable {
        /// Every recipient has it.
        case delivered
        /// Some mail recipients have it; the relay refused the others.
        case partiallyDelivered = "partially_delivered"
        /// Given up on.
        case deadLettered = "dead_lettered"
        /// Cut short by shutdown; the outbox keeps it.
        case cancelled
    }

    /// `channel` and `result`.
    public struct NotificationLabels: MetricLabels {
        public var channel: String
        public var result: NotificationResult
        public static let labelNames = ["channel", "result"]
        public var labelValues: [String] { [channel, result.rawValue] }
        public init(channel: String, result: NotificationResult) {
            self.channel = channel
            self.result = result
        }
    }

    /// `channel`: a configured channel's name.
    public struct ChannelLabel: MetricLabels {
        public var channel: String
        public static let labelNames = ["channel"]
        public var labelValues: [String] { [channel] }
        public init(channel: String) {
            self.channel = channel
        }
    }

    /// `source`: a configured source's name.
    public struct SourceLabel: MetricLabels {
        public var source: String
        public static let labelNames = ["source"]
        public var labelValues: [String] { [source] }
        public init(source: String) {
            self.source = source
        }
    }

    /// `table`: a table of the state.
    public struct TableLabel: MetricLabels {
        public var table: String
        public static let labelNames = ["table"]
        public var labelValues: [String] { [table] }
        public init(table: String) {
            self.table = table
        }
    }

    /// `version`, for `slawatch_build_info`.
    struct BuildLabels: MetricLabels {
        var version: String
        static let labelNames = ["version"]
        var labelValues: [String] { [version] }
    }
}

// MARK: - Typed call sites

extension MetricGauge where Labels == MetricsRegistry.ClockStateLabel {
    /// Sets the number of clocks in one state.
    public func set(state: MetricsRegistry.ClockStateLabel, to count: Int) {
        set(Double(count), state)
    }

    /// Sets every state at once from one tick's counts; states missing from `counts` are 0.
    public func set(counts: [MetricsRegistry.ClockStateLabel: Int]) {
        for state in MetricsRegistry.ClockStateLabel.allCases {
            set(Double(counts[state] ?? 0), state)
        }
    }
}

extension MetricCounter where Labels == MetricsRegistry.CrossingKind {
    /// Counts thresholds crossed.
    public func increment(kind: MetricsRegistry.CrossingKind, by count: Int = 1) {
        increment(kind, by: Double(count))
    }
}

extension MetricCounter where Labels == MetricsRegistry.RiskLabel {
    /// Counts risk occurrences fired.
    public func increment(risk: MetricsRegistry.RiskLabel, by count: Int = 1) {
        increment(risk, by: Double(count))
    }
}

extension MetricCounter where Labels == MetricsRegistry.SurgeLabel {
    /// Counts surges announced.
    public func increment(by dimension: MetricsRegistry.SurgeLabel, count: Int = 1) {
        increment(dimension, by: Double(count))
    }
}

extension MetricCounter where Labels == MetricsRegistry.NotificationLabels {
    /// Counts finished deliveries on a channel.
    public func increment(channel: String, result: MetricsRegistry.NotificationResult, by count: Int = 1) {
        increment(.init(channel: channel, result: result), by: Double(count))
    }
}

extension MetricCounter where Labels == MetricsRegistry.ChannelLabel {
    /// Counts events on a channel.
    public func increment(channel: String, by count: Int = 1) {
        increment(.init(channel: channel), by: Double(count))
    }
}

extension MetricCounter where Labels == MetricsRegistry.SourceLabel {
    /// Counts events on a source.
    public func increment(source: String, by count: Int = 1) {
        increment(.init(source: source), by: Double(count))
    }
}

extension MetricGauge where Labels == MetricsRegistry.SourceLabel {
    /// Sets a source's value in seconds.
    public func set(source: String, seconds: Double) {
        set(seconds, .init(source: source))
    }

    /// Sets a source's value from a measured duration, in seconds.
    public func set(source: String, duration: Duration) {
        set(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18, .init(source: source))
    }
}
