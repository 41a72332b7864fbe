public import Foundation
public import BusinessTime

/// Where a clock stands at an instant.
public enum ClockState: String, Sendable, Hashable, Codable {
    /// Counting toward its due time.
    case running
    /// Stopped by a pause status, not yet past due.
    case paused
    /// Fulfilled by its due time.
    case met
    /// Open and past its due time.
    case breached
    /// Fulfilled after its due time.
    case missed

    /// True while the clock can still escalate.
    public var isOpen: Bool { self == .running || self == .paused || self == .breached }
}

/// One SLA clock of one ticket, evaluated at an instant: what it runs against, when it
/// is due, how far along it is, and when each ladder step crosses.
///
/// All durations are business seconds on the clock's calendar, paused time excluded.
/// What only explanations need (the rival policies, the stops, every threshold) is
/// worked out on demand from what the clock keeps, so evaluating stays cheap.
public struct SLAClock: Sendable, Hashable {
    // One is kept for every clock of every ticket something is owed about, so the stored
    // properties are laid out to take 168 bytes (`SLAClockLayoutTests`): instants as epoch
    // seconds, the one-byte values last, what a clock rarely has behind a reference.

    /// The source's own id of the ticket.
    public var ticketID: String
    /// The ticket's source (see `Ticket.source`).
    public var source: String
    /// The group a `group_response` clock is about; nil for every other metric.
    public var group: String?
    /// The policy whose target won (the earliest due time; on a tie the one listed first).
    let origin: PolicyPlan
    /// Every policy that matched the ticket, in configuration order.
    let rivals: [PolicyPlan]
    let factor: ExceptionFactor?
    /// 1 for `first_response` and `resolution`; numbered from 1 per cycle for `next_reply`
    /// and `periodic_update`.
    public var cycle: Int
    public var targetSeconds: Int
    public var elapsedSeconds: Int
    /// Business seconds the clock stood still in pause statuses (and, for resolution, solved spells).
    public var pausedSeconds: Int
    /// When the clock started, in epoch seconds; business time is placed from here.
    let start: Int64
    /// The due time and the fulfilment in epoch seconds; `Int64.min` for none.
    private let due: Int64, fulfilment: Int64
    /// The first step crossing after the evaluation instant, by position in the ladder: a
    /// step is large to copy into every clock. `nextStep` reads it.
    let next: NextCrossing
    /// The spells the clock stood still, in time order, disjoint.
    let spells: [StopSpell]
    public var metric: Metric
    /// The ticket's priority, which chose every target.
    public var priority: TicketPriority
    public var state: ClockState

    init(
        ticketID: String, source: String, metric: Metric, cycle: Int, priority: TicketPriority, origin: PolicyPlan,
        rivals: [PolicyPlan], targetSeconds: Int, factor: ExceptionFactor?, start: Int64, dueAt: Int64?,
        fulfilledAt: Int64?, elapsedSeconds: Int, pausedSeconds: Int, state: ClockState, next: NextCrossing,
        spells: [StopSpell], group: String?
    ) {
        self.ticketID = ticketID
        self.source = source
        self.group = group
        self.origin = origin
        self.rivals = rivals
        self.factor = factor
        self.cycle = cycle
        self.targetSeconds = targetSeconds
        self.elapsedSeconds = elapsedSeconds
        self.pausedSeconds = pausedSeconds
        self.start = start
        due = dueAt ?? .min
        fulfilment = fulfilledAt ?? .min
        self.next = next
        self.spells = spells
        self.metric = metric
        self.priority = priority
        self.state = state
    }

    /// The exception whose `targets_factor` multiplied the target, and the factor; nil when none.
    public var targetsFactor: (exception: String, factor: Double)? {
        factor.map { ($0.name, $0.value) }
    }
    public var startedAt: Date { date(start) }
    /// Nil only when the calendar never accumulates the target (a calendar with no open time).
    /// For a paused clock, the due time if it resumed at the evaluation instant.
    public var dueAt: Date? { due == .min ? nil : date(due) }
    /// When the clock was fulfilled (reply, solve); nil while open.
    public var fulfilledAt: Date? { fulfilment == .min ? nil : date(fulfilment) }
    /// How the clock's business time maps onto instants.
    var schedule: ClockSchedule { ClockSchedule(calendar: origin.calendar, start: start, spells: spells) }

    /// The first step crossing after the evaluation instant; nil for a fulfilled clock.
    public var nextStep: StepCrossing? {
        guard next.step >= 0, let step = ladder?.steps[Int(next.step)] else { return nil }
        return StepCrossing(step: step, repetition: Int(next.repetition), elapsedSeconds: next.elapsedSeconds, at: next.instant)
    }
    /// When `nextStep` crosses, without building it.
    public var nextStepAt: Date? { next.step >= 0 ? next.instant : nil }

    /// The name of the winning policy.
    public var policy: String { origin.name }
    /// The name of the calendar the clock runs on.
    public var calendar: String { origin.calendar.name }
    /// The calendar itself, for placing other business durations (a customer's next update).
    public var businessCalendar: BusinessCalendar { origin.calendar }
    /// False when the winning policy says `customer_notices: false`.
    public var allowsCustomerNotices: Bool { origin.customerNotices }
    /// Target minus elapsed; negative once past due.
    public var remainingSeconds: Int { targetSeconds - elapsedSeconds }
    /// Elapsed as a percent of the target.
    public var percent: Double {
        targetSeconds > 0 ? Double(elapsedSeconds) / Double(targetSeconds) * 100 : 100
    }
    /// The ladder escalating this clock; nil when the configuration has none by that name.
    public var ladder: EscalationLadder? { origin.ladders[metric.index] }

    /// Every policy that set a target for this clock, in config order, with its due time.
    public var candidates: [TargetCandidate] {
        rivals.compactMap { plan in
            plan.target(priority, metric.index, group: group).map { target in
                let target = factor.map { Int((Double(target) * $0.value).rounded()) } ?? target
                return TargetCandidate(
                    policy: plan.name, calendar: plan.calendar.name, targetSeconds: target,
                    dueAt: ClockSchedule(calendar: plan.calendar, start: schedule.start, spells: schedule.spells)
                        .instant(reaching: Int64(target)).map(date)
                )
            }
        }
    }

    /// The spells the clock stood still, clipped to the clock's life.
    public var stops: [ClockStop] {
        schedule.spells.map { ClockStop(start: date($0.start), end: $0.end.map(date), status: $0.status, exception: $0.exception) }
    }

    /// Every step of the clock's ladder with the instant it first crosses (nil if never).
    public var thresholds: [StepCrossing] {
        (ladder?.steps ?? []).map { step in
            let needed = step.threshold.elapsed(forTarget: targetSeconds)
            return StepCrossing(step: step, repetition: 0, elapsedSeconds: needed, at: instant(atElapsed: needed))
        }
    }

    /// The instant at which the clock has run `seconds` of business time (nil if never).
    /// For a paused clock, as if it resumed at the evaluation instant.
    public func instant(atElapsed seconds: Int) -> Date? {
        schedule.instant(reaching: Int64(seconds)).map(date)
    }
}

/// A `targets_factor` that applied to a clock: a reference, as few clocks have one.
final class ExceptionFactor: Sendable, Hashable {
    let name: String
    let value: Double

    init(name: String, value: Double) {
        self.name = name
        self.value = value
    }

    static func == (lhs: ExceptionFactor, rhs: ExceptionFactor) -> Bool { lhs.name == rhs.name && lhs.value == rhs.value }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// Where a clock's next crossing is: a step of its ladder, by position; `none` when no step
/// is ahead (a fulfilled clock, or no ladder).
struct NextCrossing: Sendable, Hashable {
    /// -1 for none.
    var step: Int32
    var repetition: Int32
    var elapsedSeconds: Int
    /// Epoch seconds; `Int64.min` when the calendar never gets there.
    var at: Int64

    static let none = NextCrossing(step: -1, repetition: 0, elapsedSeconds: 0, at: .min)

    var instant: Date? { at == .min ? nil : date(at) }
}

/// A ladder step and the instant the clock crosses it.
public struct StepCrossing: Sendable, Hashable {
    public var step: LadderStep
    /// 0 for the step itself, n for its n-th `repeat`.
    public var repetition: Int
    /// Business seconds elapsed on the clock at the crossing.
    public var elapsedSeconds: Int
    /// Nil when the calendar never gets there.
    public var at: Date?

    /// The step as keys name it: `breach+2h`, and `breach+2h#1` for its first repeat. The
    /// one spelling `evaluate`, `explain` and keys share.
    public var label: String { Escalator.label(step, repetition) }
}

/// A policy that targets a clock, and the due time it would give.
public struct TargetCandidate: Sendable, Hashable {
    public var policy: String
    public var calendar: String
    public var targetSeconds: Int
    public var dueAt: Date?
}

/// A spell during which a clock stood still, and the status or exception that stopped it.
public struct ClockStop: Sendable, Hashable {
    public var start: Date
    /// Nil while the spell goes on at the evaluation instant.
    public var end: Date?
    /// The pause status; nil for a spell an exception declared.
    public var status: TicketStatus?
    /// The exception with `pause: true` that stopped the clock; nil for a status spell.
    public var exception: String?
}

/// A spell during which a clock stood still, in epoch seconds.
struct StopSpell: Sendable, Hashable {
    let start: Int64
    /// Nil while it goes on at the evaluation instant.
    let end: Int64?
    /// Where it ends for the clock: its end, or the clock's limit (the evaluation instant
    /// or the fulfilment) while it goes on. An exception's window may end after the
    /// evaluation instant.
    let upper: Int64
    let status: TicketStatus?
    let exception: String?

    init(start: Int64, end: Int64?, limit: Int64, status: TicketStatus) {
        self.start = start
        self.end = end
        self.upper = end ?? limit
        self.status = status
        self.exception = nil
    }

    /// A declared pause window.
    init(start: Int64, end: Int64, exception: String) {
        self.start = start
        self.end = end
        self.upper = end
        self.status = nil
        self.exception = exception
    }
}

/// What a clock needs to place any amount of its business time on the timeline: its
/// start, the spells it stood still and its calendar.
struct ClockSchedule: Sendable, Hashable {
    let calendar: BusinessCalendar
    let start: Int64
    /// In time order, disjoint.
    let spells: [StopSpell]

    /// The earliest instant at which `amount` business seconds have run.
    func instant(reaching amount: Int64) -> Int64? {
        guard amount > 0 else { return start }
        var cursor = start
        var needed = amount
        for spell in spells {
            if spell.start > cursor {
                let available = calendar.duration(fromEpoch: cursor, toEpoch: spell.start)
                if needed <= available { return calendar.adding(needed, toEpoch: cursor) }
                needed -= available
            }
            cursor = max(cursor, spell.upper)
        }
        return calendar.adding(needed, toEpoch: cursor)
    }

    static func == (lhs: ClockSchedule, rhs: ClockSchedule) -> Bool {
        lhs.calendar === rhs.calendar && lhs.start == rhs.start && lhs.spells == rhs.spells
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(calendar))
        hasher.combine(start)
        hasher.combine(spells)
    }
}
