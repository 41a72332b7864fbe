public import Foundation
public import BusinessTime
public import SLAEngine

extension StatusBoard {
    /// What a standby says of its board: whose clocks they are, and what it cannot show.
    public static let recordedNote = "This daemon stands by: it shows the breached clocks the leading daemon last recorded, "
        + "brought to now on their calendars (a pause since is not known here). Clocks not yet breached, and next steps, "
        + "are on the leader's page."

    /// The clocks a shared state records as breached and open, for a daemon that does not
    /// poll: every one is at risk. `calendars` brings each to `now`; `holds` are by clock key.
    public init(recorded outcomes: [ClockOutcome], calendars: [String: BusinessCalendar], holds: [String: ClockHold], at now: Date) {
        let entries = outcomes.filter { $0.state == .breached && $0.fulfilledAt == nil }.map { outcome in
            var ticket = Ticket(
                id: outcome.ticketID, customer: Customer(id: outcome.customer, tier: outcome.tier), priority: outcome.priority,
                channel: outcome.channel, group: outcome.group, createdAt: outcome.startedAt)
            ticket.source = outcome.source
            return Entry(
                ticket: ticket, clock: ClockView(recorded: outcome, calendar: calendars[outcome.calendar], at: now),
                team: outcome.team ?? "-", hold: holds[outcome.clockKey].flatMap { $0.until > now ? $0 : nil })
        }
        self.init(at: now, entries: StatusBoard.worstFirst(entries), openClocks: entries.count, note: StatusBoard.recordedNote)
    }
}
