public import Foundation
public import SLAEngine

/// The open clocks at risk at an instant, worst first, by team: what `GET /status` shows
/// and `GET /api/v1/clocks` lists.
///
/// A clock is at risk when it is open and has used at least half its target (breached
/// ones included), or is due within the hour. Worst first: the largest share of the
/// target used, then the earliest due time.
public struct StatusBoard: Sendable {
    /// One clock and the ticket it belongs to.
    public struct Entry: Sendable {
        public var ticket: Ticket
        public var clock: ClockView
        /// The ticket's team (`teams:`); `-` when none matches.
        public var team: String
        /// The acknowledgement or snooze holding the clock's ladder now; nil for none.
        public var hold: ClockHold?
    }

    public var at: Date
    /// Worst first.
    public var entries: [Entry]
    /// Open clocks in all, at risk or not.
    public var openClocks: Int
    /// What the reader should know of where the clocks come from (a standby's recorded
    /// clocks); nil for clocks evaluated now.
    public var note: String?

    /// The share of the target from which a running clock counts as at risk.
    public static let riskPercent = 50.0
    /// A clock due within this many seconds is at risk whatever its share.
    public static let riskWithinSeconds = 3600.0

    public init(at: Date, entries: [Entry], openClocks: Int, note: String? = nil) {
        self.at = at
        self.entries = entries
        self.openClocks = openClocks
        self.note = note
    }

    /// Evaluates `tickets` at `now` and keeps the clocks at risk.
    public init(
        tickets: some Sequence<Ticket>, engine: SLAEngine, teams: [Team], observed: (String) -> [TicketEvent],
        holds: [String: ClockHold] = [:], at now: Date
    ) {
        let escalator = Escalator(teams: teams)
        var entries: [Entry] = []
        var open = 0
        for ticket in tickets {
            var team: String?
            for clock in engine.clocks(for: ticket, observed: SLAEngine.transitions(observed(ticket.key), missingFrom: ticket), at: now)
            where clock.state.isOpen {
                open += 1
                let dueSoon = clock.state != .paused && clock.dueAt.map { $0.timeIntervalSince(now) <= StatusBoard.riskWithinSeconds } ?? false
                guard clock.state == .breached || clock.percent >= StatusBoard.riskPercent || dueSoon else { continue }
                if team == nil { team = escalator.team(for: ticket)?.name ?? "-" }
                let hold = holds.isEmpty ? nil : holds[ClockKey.make(ticket.key, clock.metric, clock.cycle)].flatMap { $0.until > now ? $0 : nil }
                entries.append(Entry(ticket: ticket, clock: ClockView(clock), team: team!, hold: hold))
            }
        }
        self.init(at: now, entries: StatusBoard.worstFirst(entries), openClocks: open)
    }

    /// The largest share of the target used first, then the earliest due time.
    static func worstFirst(_ entries: [Entry]) -> [Entry] {
        entries.sorted { a, b in
            if a.clock.percent != b.clock.percent { return a.clock.percent > b.clock.percent }
            return (a.clock.dueAt ?? .distantFuture, a.ticket.key) < (b.clock.dueAt ?? .distantFuture, b.ticket.key)
        }
    }

    /// The entries by team, teams in the order of their worst clock.
    public var byTeam: [(team: String, entries: [Entry])] {
        var order: [String] = []
        var groups: [String: [Entry]] = [:]
        for entry in entries {
            if groups[entry.team] == nil { order.append(entry.team) }
            groups[entry.team, default: []].append(entry)
        }
        return order.map { ($0, groups[$0]!) }
    }
}
