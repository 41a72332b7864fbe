public import Foundation

/// What became of one clock that breached, was met or was missed, with the ticket's
/// facts as they were then: what compliance reports read, so a report never re-evaluates
/// old tickets against today's configuration.
///
/// A breach is recorded when it happens and updated on fulfilment (the clock is then
/// `missed`); a clock met in time is recorded when it is met.
public struct ClockOutcome: Sendable, Hashable {
    // Declared so the one-byte values and the optional instants come last: 216 bytes
    // instead of 240, for the hundred thousand a first tick over a backlog records.

    /// The configured source the ticket came from; empty when read from a tickets file.
    public var source: String
    public var ticketID: String
    public var policy: String
    public var calendar: String
    public var customer: String
    public var tier: String?
    public var group: String?
    /// The team the ticket belonged to (`teams:`); nil when no team matches.
    public var team: String?
    public var channel: String?
    public var cycle: Int
    public var targetSeconds: Int
    public var startedAt: Date
    /// Business seconds the clock ran, paused time excluded: start to fulfilment (or to the
    /// instant it was judged, while open).
    public var elapsedSeconds: Int
    public var pausedSeconds: Int
    /// Nil only for a calendar that never reaches the target.
    public var dueAt: Date?
    public var fulfilledAt: Date?
    public var metric: Metric
    /// `met`, `missed` or `breached` (open and past due when recorded).
    public var state: ClockState
    public var priority: TicketPriority

    public init(
        source: String = "", ticketID: String, metric: Metric, cycle: Int, state: ClockState, policy: String,
        calendar: String, targetSeconds: Int, startedAt: Date, dueAt: Date?, fulfilledAt: Date?, elapsedSeconds: Int,
        pausedSeconds: Int, customer: String, tier: String? = nil, group: String? = nil, team: String? = nil,
        channel: String? = nil, priority: TicketPriority
    ) {
        self.source = source
        self.ticketID = ticketID
        self.metric = metric
        self.cycle = cycle
        self.state = state
        self.policy = policy
        self.calendar = calendar
        self.targetSeconds = targetSeconds
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.fulfilledAt = fulfilledAt
        self.elapsedSeconds = elapsedSeconds
        self.pausedSeconds = pausedSeconds
        self.customer = customer
        self.tier = tier
        self.group = group
        self.team = team
        self.channel = channel
        self.priority = priority
    }

    /// The outcome of `clock` of `ticket`, or nil while the clock is running or paused
    /// (nothing has become of it yet). A `group_response` clock counts under the group it
    /// measured, not the group the ticket is in now.
    public init?(_ clock: SLAClock, of ticket: Ticket, team: String?) {
        guard clock.state == .met || clock.state == .missed || clock.state == .breached else { return nil }
        self.init(
            source: ticket.source, ticketID: ticket.id, metric: clock.metric, cycle: clock.cycle, state: clock.state,
            policy: clock.policy, calendar: clock.calendar, targetSeconds: clock.targetSeconds,
            startedAt: clock.startedAt, dueAt: clock.dueAt, fulfilledAt: clock.fulfilledAt,
            elapsedSeconds: clock.elapsedSeconds, pausedSeconds: clock.pausedSeconds, customer: ticket.customer.id,
            tier: ticket.customer.tier, group: clock.group ?? ticket.group, team: team, channel: ticket.channel, priority: ticket.priority
        )
    }

    /// The key of the clock (`ClockKey.make` of the ticket key `SOURCE:ID`).
    public var clockKey: String { ClockKey.make(TicketKey.make(source, ticketID), metric, cycle) }

    /// The outcome as it stood at `instant`: its recorded state when fulfilled by then,
    /// `breached` when still open but past due, nil when neither (it had not come to
    /// anything yet).
    public func judged(at instant: Date) -> ClockOutcome? {
        if let fulfilledAt, fulfilledAt <= instant {
            var judged = self
            if let dueAt { judged.state = fulfilledAt <= dueAt ? .met : .missed } else { judged.state = .missed }
            return judged
        }
        guard let dueAt, dueAt <= instant else { return nil }
        var judged = self
        judged.state = .breached
        judged.fulfilledAt = nil
        return judged
    }
}
