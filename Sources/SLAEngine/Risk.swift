public import Foundation

/// An experience risk: something going wrong for the customer while the SLA clocks may all
/// be green. The raw value is the `risks:` key.
public enum RiskKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Customer messages since the last public agent reply, within a window.
    case followUps = "follow_ups"
    /// Group or assignee changes, the first assignment included.
    case reassignments
    /// Solved or closed, then open again.
    case reopened
    /// Customer message → public reply round trips while unsolved.
    case pingPong = "ping_pong"
    /// No public agent reply for a business duration, while no clock is breached.
    case stalled

    /// The risk in words, for messages and explanations.
    public var words: String {
        switch self {
        case .followUps: "follow-ups"
        case .reassignments: "reassignments"
        case .reopened: "reopened"
        case .pingPong: "ping-pong"
        case .stalled: "stalled"
        }
    }
}

/// One configured detector, as written under `risks:`.
public struct RiskRule: Sendable, Hashable {
    public var kind: RiskKind
    /// How many make an occurrence: `count` for `follow_ups`, `reassignments` and
    /// `reopened`, `exchanges` for `ping_pong`; unused by `stalled`. Occurrence N is reached
    /// when the tally reaches N × this (for `follow_ups`, once per run of unanswered messages).
    public var count: Int
    /// `follow_ups`: `within`, in seconds (messages older than this before the latest do
    /// not count). `stalled`: `after`, in business seconds on the ticket's calendar.
    public var seconds: Int?
    /// Roles of the ticket's team, or channel names, that hear of it.
    public var notify: [String]

    public init(kind: RiskKind, count: Int = 1, seconds: Int? = nil, notify: [String]) {
        self.kind = kind
        self.count = count
        self.seconds = seconds
        self.notify = notify
    }
}

/// A risk a ticket carries: one occurrence of one detector.
public struct RiskOccurrence: Sendable, Hashable {
    /// The source's own id of the ticket.
    public var ticketID: String
    /// The ticket's source (see `Ticket.source`).
    public var source: String
    public var risk: RiskKind
    /// Numbered from 1 per ticket and risk.
    public var occurrence: Int
    /// When the occurrence was reached (the message, change or reopen that made the count,
    /// or the instant the stall reached its duration).
    public var since: Date
    /// Why, in one sentence.
    public var detail: String

    public init(ticketID: String, source: String = "", risk: RiskKind, occurrence: Int, since: Date, detail: String) {
        self.ticketID = ticketID
        self.source = source
        self.risk = risk
        self.occurrence = occurrence
        self.since = since
        self.detail = detail
    }

    /// `TICKET/risk/NAME/N`: fires once per key.
    public var key: String { RiskKey.make(TicketKey.make(source, ticketID), risk, occurrence) }
}

/// The keys that name a risk across ticks and restarts.
public enum RiskKey {
    /// `TICKET/risk/NAME`: what a ticket's occurrences of one risk are recorded under (as a
    /// clock's steps are under its clock key); each occurrence is a step named by its number.
    /// `ticketKey` is `TicketKey.make(source, id)`.
    public static func series(_ ticketKey: String, _ risk: RiskKind) -> String {
        var key = ticketKey
        key += "/risk/"
        key += risk.rawValue
        return key
    }

    /// `TICKET/risk/NAME/N`.
    public static func make(_ ticketKey: String, _ risk: RiskKind, _ occurrence: Int) -> String {
        series(ticketKey, risk) + "/" + String(occurrence)
    }
}
