public import Foundation

/// A ticket in the canonical form every source maps onto (DESIGN.md, "The canonical ticket").
public struct Ticket: Sendable, Hashable, Codable {
    /// The source's own id; unique within its source only.
    public var id: String
    /// The configured source the ticket came from; empty for tickets read outside any
    /// source (`--tickets`). Not part of the canonical record: whoever reads a source sets it.
    public var source: String = ""
    public var subject: String
    public var customer: Customer
    /// The current priority; it sets every target (a priority change re-targets from the clock's start).
    public var priority: TicketPriority
    /// The channel the ticket came in through (`email`, `web`, `chat`, …), free text.
    public var channel: String?
    /// The current status.
    public var status: TicketStatus
    public var group: String?
    public var assignee: String?
    public var tags: [String]
    public var url: String?
    public var createdAt: Date
    /// When the source last changed the ticket; an unrecorded change to the current
    /// status is placed here. Optional.
    public var updatedAt: Date?
    /// The first public agent reply, when the source reports it directly.
    public var firstResponseAt: Date?
    public var solvedAt: Date?
    /// The ticket's history; optional (sources that report snapshots get theirs from the store).
    public var events: [TicketEvent]

    public init(
        id: String, subject: String = "", customer: Customer = Customer(id: ""), priority: TicketPriority = .normal,
        channel: String? = nil, status: TicketStatus = .open, group: String? = nil, assignee: String? = nil,
        tags: [String] = [], url: String? = nil, createdAt: Date, updatedAt: Date? = nil,
        firstResponseAt: Date? = nil, solvedAt: Date? = nil, events: [TicketEvent] = []
    ) {
        self.id = id
        self.subject = subject
        self.customer = customer
        self.priority = priority
        self.channel = channel
        self.status = status
        self.group = group
        self.assignee = assignee
        self.tags = tags
        self.url = url
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.firstResponseAt = firstResponseAt
        self.solvedAt = solvedAt
        self.events = events
    }

    /// The ticket's identity inside slawatch: `SOURCE:ID` (see `TicketKey`).
    public var key: String { TicketKey.make(source, id) }

    enum CodingKeys: String, CodingKey {
        case id, subject, customer, priority, channel, status, group, assignee, tags, url, events
        case createdAt = "created_at", updatedAt = "updated_at"
        case firstResponseAt = "first_response_at", solvedAt = "solved_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        subject = try c.decodeIfPresent(String.self, forKey: .subject) ?? ""
        customer = try c.decodeIfPresent(Customer.self, forKey: .customer) ?? Customer(id: "")
        priority = try c.decodeIfPresent(TicketPriority.self, forKey: .priority) ?? .normal
        channel = try c.decodeIfPresent(String.self, forKey: .channel)
        status = try c.decode(TicketStatus.self, forKey: .status)
        group = try c.decodeIfPresent(String.self, forKey: .group)
        assignee = try c.decodeIfPresent(String.self, forKey: .assignee)
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        url = try c.decodeIfPresent(String.self, forKey: .url)
        createdAt = try c.decode(Timestamp.self, forKey: .createdAt).date
        updatedAt = try c.decodeIfPresent(Timestamp.self, forKey: .updatedAt)?.date
        firstResponseAt = try c.decodeIfPresent(Timestamp.self, forKey: .firstResponseAt)?.date
        solvedAt = try c.decodeIfPresent(Timestamp.self, forKey: .solvedAt)?.date
        events = try c.decodeIfPresent([TicketEvent].self, forKey: .events) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(subject, forKey: .subject)
        try c.encode(customer, forKey: .customer)
        try c.encode(priority, forKey: .priority)
        try c.encodeIfPresent(channel, forKey: .channel)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(group, forKey: .group)
        try c.encodeIfPresent(assignee, forKey: .assignee)
        try c.encode(tags, forKey: .tags)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encode(Timestamp(createdAt), forKey: .createdAt)
        try c.encodeIfPresent(updatedAt.map(Timestamp.init), forKey: .updatedAt)
        try c.encodeIfPresent(firstResponseAt.map(Timestamp.init), forKey: .firstResponseAt)
        try c.encodeIfPresent(solvedAt.map(Timestamp.init), forKey: .solvedAt)
        try c.encode(events, forKey: .events)
    }
}

/// The customer a ticket belongs to.
public struct Customer: Sendable, Hashable, Codable {
    public var id: String
    public var name: String?
    public var email: String?
    /// A service tier (`enterprise`, …) that policies may match on.
    public var tier: String?
    /// The customer's IANA time zone, when the source knows it.
    public var timeZone: String?

    public init(id: String, name: String? = nil, email: String? = nil, tier: String? = nil, timeZone: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.tier = tier
        self.timeZone = timeZone
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, tier
        case timeZone = "time_zone"
    }
}

/// The canonical statuses every source maps onto.
public enum TicketStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case open
    case pendingCustomer = "pending_customer"
    case onHold = "on_hold"
    case solved
    case closed

    /// Solved and closed tickets owe nothing: every clock stops.
    public var isSolved: Bool { self == .solved || self == .closed }
}

/// The canonical priorities every source maps onto, most urgent first.
public enum TicketPriority: String, Sendable, Hashable, Codable, CaseIterable {
    case urgent, high, normal, low
}

/// One thing that happened to a ticket.
public struct TicketEvent: Sendable, Hashable, Codable {
    public var at: Date
    public var kind: Kind

    /// What happened.
    public enum Kind: Sendable, Hashable {
        case customerMessage
        /// An agent's reply; only a public one answers the customer, a private note never counts.
        case agentReply(isPublic: Bool)
        case status(TicketStatus)
        case priority(TicketPriority)
        case assignee(String?)
        case group(String?)
    }

    public init(at: Date, _ kind: Kind) {
        self.at = at
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case at, type, status, priority, assignee, group
        case isPublic = "public"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        at = try c.decode(Timestamp.self, forKey: .at).date
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "customer_message": kind = .customerMessage
        case "agent_reply": kind = .agentReply(isPublic: try c.decodeIfPresent(Bool.self, forKey: .isPublic) ?? false)
        case "status": kind = .status(try c.decode(TicketStatus.self, forKey: .status))
        case "priority": kind = .priority(try c.decode(TicketPriority.self, forKey: .priority))
        case "assignee": kind = .assignee(try c.decodeIfPresent(String.self, forKey: .assignee))
        case "group": kind = .group(try c.decodeIfPresent(String.self, forKey: .group))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown event type \"\(type)\"; use customer_message, agent_reply, status, priority, assignee or group"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Timestamp(at), forKey: .at)
        switch kind {
        case .customerMessage: try c.encode("customer_message", forKey: .type)
        case .agentReply(let isPublic):
            try c.encode("agent_reply", forKey: .type)
            try c.encode(isPublic, forKey: .isPublic)
        case .status(let s):
            try c.encode("status", forKey: .type)
            try c.encode(s, forKey: .status)
        case .priority(let p):
            try c.encode("priority", forKey: .type)
            try c.encode(p, forKey: .priority)
        case .assignee(let a):
            try c.encode("assignee", forKey: .type)
            try c.encode(a, forKey: .assignee)
        case .group(let g):
            try c.encode("group", forKey: .type)
            try c.encode(g, forKey: .group)
        }
    }
}
