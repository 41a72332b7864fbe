public import Foundation
public import BusinessTime
public import SLAEngine

/// One clock as the status page and `GET /api/v1/clocks` show it: the figures of the
/// `evaluate` contract, from a clock evaluated now (`SLAClock`) or from what the state
/// recorded of it (`ClockOutcome`, on a daemon that does not poll).
public struct ClockView: Sendable, Hashable {
    /// The step a clock crosses next.
    public struct NextStep: Sendable, Hashable {
        public var at: Date?
        /// The step as written (`75%`, `breach+2h`), with its repetition.
        public var label: String
        public var notify: [String]
    }

    public var ticketID: String
    public var source: String
    public var metric: Metric
    public var cycle: Int
    /// The group a `group_response` clock is about; nil for every other metric.
    public var group: String?
    public var policy: String
    public var calendar: String
    public var targetSeconds: Int
    public var startedAt: Date
    public var dueAt: Date?
    public var elapsedSeconds: Int
    public var pausedSeconds: Int
    public var state: ClockState
    /// Nil for a fulfilled clock, and for a recorded one (the ladder is the leader's to walk).
    public var nextStep: NextStep?

    /// Target minus elapsed; negative once past due.
    public var remainingSeconds: Int { targetSeconds - elapsedSeconds }
    /// Elapsed as a percent of the target.
    public var percent: Double { targetSeconds > 0 ? Double(elapsedSeconds) / Double(targetSeconds) * 100 : 100 }

    public init(_ clock: SLAClock) {
        ticketID = clock.ticketID
        source = clock.source
        metric = clock.metric
        cycle = clock.cycle
        group = clock.group
        policy = clock.policy
        calendar = clock.calendar
        targetSeconds = clock.targetSeconds
        startedAt = clock.startedAt
        dueAt = clock.dueAt
        elapsedSeconds = clock.elapsedSeconds
        pausedSeconds = clock.pausedSeconds
        state = clock.state
        nextStep = clock.nextStep.map { NextStep(at: $0.at, label: $0.label, notify: $0.step.notify) }
    }

    /// A breached clock as recorded, brought to `now`: the business time past its due time
    /// on `calendar` (the recorded figures when the calendar is no longer configured). A
    /// pause since the record is not known here, so the figures are an upper bound.
    public init(recorded outcome: ClockOutcome, calendar: BusinessCalendar?, at now: Date) {
        ticketID = outcome.ticketID
        source = outcome.source
        metric = outcome.metric
        cycle = outcome.cycle
        group = outcome.metric == .groupResponse ? outcome.group : nil
        policy = outcome.policy
        self.calendar = outcome.calendar
        targetSeconds = outcome.targetSeconds
        startedAt = outcome.startedAt
        dueAt = outcome.dueAt
        elapsedSeconds = outcome.elapsedSeconds
        if let calendar, let due = outcome.dueAt, due < now {
            elapsedSeconds = max(outcome.elapsedSeconds, outcome.targetSeconds + calendar.duration(from: due, to: now))
        }
        pausedSeconds = outcome.pausedSeconds
        state = outcome.state
        nextStep = nil
    }
}
