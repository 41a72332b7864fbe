public import Foundation

/// One message to one channel, rendered and ready to deliver: what the outbox stores and
/// every channel encoder turns into its own wire format.
///
/// `subject` and `text` are plain text: encoders escape them for their target (Slack
/// mrkdwn, HTML, JSON), so ticket data can never inject markup or mentions.
public struct OutboundMessage: Sendable, Hashable, Codable {
    /// The idempotency key: the same notification always has the same key, so a receiver
    /// can drop a duplicate delivered after a crash.
    public var key: String
    /// The configured channel's name.
    public var channel: String
    /// The ladder role it goes to (`lead`, …), or nil for a channel named directly.
    public var role: String?
    public var audience: Audience
    /// True for a breach or later step: never held by quiet hours, first in line.
    public var isUrgent: Bool
    /// One line: the subject of an email, the title of a chat card.
    public var subject: String
    /// The body, plain text, lines separated by `\n`.
    public var text: String
    /// An HTML body for email, already escaped by its renderer; nil to derive one from `text`.
    public var html: String?
    /// The tickets the message is about: one, or several in a digest (worst first).
    public var tickets: [MessageTicket]
    /// Addresses to send to instead of the channel's own (a customer notice); empty for the channel's.
    public var recipients: [String]
    /// Set on a retry of a mail some recipients already have: the only addresses it still
    /// goes to (the envelope), while its headers stay as first sent. Nil: everyone.
    public var retryTo: [String]?
    /// When the message was decided.
    public var createdAt: Date

    /// Who reads the message.
    public enum Audience: String, Sendable, Hashable, Codable {
        case team, customer
    }

    public init(
        key: String, channel: String, role: String? = nil, audience: Audience = .team, isUrgent: Bool = false,
        subject: String, text: String, html: String? = nil, tickets: [MessageTicket] = [], recipients: [String] = [],
        createdAt: Date
    ) {
        self.key = key
        self.channel = channel
        self.role = role
        self.audience = audience
        self.isUrgent = isUrgent
        self.subject = subject
        self.text = text
        self.html = html
        self.tickets = tickets
        self.recipients = recipients
        self.createdAt = createdAt
    }
}

/// A ticket line of a message: which clock and step it is about, or which risk.
public struct MessageTicket: Sendable, Hashable, Codable {
    /// The source's own id.
    public var id: String
    /// The ticket's source (see `Ticket.source`).
    public var source: String
    public var subject: String
    public var url: String?
    /// Nil for a risk.
    public var metric: Metric?
    /// The clock's cycle, or the risk's occurrence.
    public var cycle: Int
    /// The step's `at` as written in the configuration (`75%`, `breach+2h`); a risk's occurrence.
    public var step: String
    public var dueAt: Date?
    /// The signed acknowledge link (`{public_url}/a/{token}`); nil without `public_url`.
    public var ackURL: String?
    /// The signed snooze link; nil without `public_url`.
    public var snoozeURL: String?
    /// The risk (`follow_ups`, …) for a line about one; nil for a clock.
    public var risk: RiskKind?

    public init(
        id: String, source: String = "", subject: String, url: String? = nil, metric: Metric?, cycle: Int, step: String,
        dueAt: Date?, risk: RiskKind? = nil
    ) {
        self.id = id
        self.source = source
        self.subject = subject
        self.url = url
        self.metric = metric
        self.cycle = cycle
        self.step = step
        self.dueAt = dueAt
        self.risk = risk
    }

    /// `SOURCE:ID`, the ticket's identity.
    public var key: String { TicketKey.make(source, id) }

    enum CodingKeys: String, CodingKey {
        case id, source, subject, url, metric, cycle, step, dueAt, risk
    }

    /// Messages queued before tickets had a source decode with an empty one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        subject = try c.decode(String.self, forKey: .subject)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        metric = try c.decodeIfPresent(Metric.self, forKey: .metric)
        cycle = try c.decode(Int.self, forKey: .cycle)
        step = try c.decode(String.self, forKey: .step)
        dueAt = try c.decodeIfPresent(Date.self, forKey: .dueAt)
        risk = try c.decodeIfPresent(RiskKind.self, forKey: .risk)
    }
}
