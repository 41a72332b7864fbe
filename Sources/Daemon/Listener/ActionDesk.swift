public import Foundation
public import SLAConfig
public import SLAEngine
public import Service
public import StateStore

/// Where answers to pings land, whichever way they come (a signed link, a Slack button,
/// the API): records the acknowledgement or snooze, counts it, and lets the daemon act.
public struct ActionDesk: Sendable {
    /// How an answer came: the label of `slawatch_acks_total{via}`.
    public enum Via: String, MetricLabels, CaseIterable {
        case link, slack, api
        public static let labelNames = ["via"]
        public var labelValues: [String] { [rawValue] }
    }

    let store: any ListenerStore
    let settings: ActionSettings
    let acks: MetricCounter<Via>
    let answered: @Sendable (HoldRequest) async -> Void

    /// - Parameter answered: called after a new hold is recorded (not for a repeat).
    public init(
        store: any ListenerStore, settings: ActionSettings, metrics: MetricsRegistry,
        answered: @escaping @Sendable (HoldRequest) async -> Void
    ) {
        self.store = store
        self.settings = settings
        acks = metrics.counter(
            "slawatch_acks_total", help: "Acknowledgements and snoozes recorded, by how they came.", labels: Via.self)
        for via in Via.allCases { acks.declare(via) }
        self.answered = answered
    }

    /// Longest name a person may give.
    public static let maxNameLength = 100

    /// A name fit to record and show: trimmed, without control characters, not too long.
    public static func name(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maxNameLength,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return trimmed
    }

    /// Records an answer on one clock: held for `seconds`, or the configured `ack_for` or
    /// `snooze_for`. Idempotent: a hold already standing is returned unchanged.
    public func answer(
        source: String, ticketID: String, metric: Metric, cycle: Int, kind: ClockHold.Kind, by: String, seconds: Int?,
        via: Via, at now: Date
    ) async throws(StateStoreError) -> HoldOutcome {
        let length = seconds ?? (kind == .ack ? settings.ackFor : settings.snoozeFor)
        let request = HoldRequest(
            source: source, ticketID: ticketID, metric: metric, cycle: cycle,
            hold: ClockHold(kind: kind, by: by, at: now, until: now + TimeInterval(length)), via: via.rawValue)
        let outcome = try await store.recordHold(request)
        if case .recorded = outcome {
            acks.increment(via)
            await answered(request)
        }
        return outcome
    }
}
