import Foundation
import SLAEngine

/// The merged view an incremental source keeps: every ticket seen so far in its latest
/// version, since an incremental export only returns what changed.
///
/// A newer version replaces an older one (by `updated_at`; an equal or unknown time
/// replaces too, the later page being the later word), keeping the older version's
/// `first_response_at` when the newer lacks it, and keeping the conversation collected so
/// far: customer messages and agent replies are history a source gathers across polls
/// (`addConversation`), merged with those the newer version brings, once each, in time
/// order. Other events (status, priority, …) are the version's own word and are replaced
/// with it. A solved or closed ticket is reported in the
/// poll that brings it, so the daemon sees it close, and dropped at the start of the next
/// poll; if it reopens, the export brings it back, with the `first_response_at` and the
/// conversation it had when it was dropped. The version dropped is remembered, so an
/// export that reads its last instant again (Freshdesk's `updated_since` is inclusive)
/// does not report the same closing twice.
struct IncrementalView: Sendable, Codable {
    private(set) var tickets: [String: Ticket] = [:]
    /// Tickets reported solved or closed, dropped when the next poll begins.
    private var settled: Set<String> = []
    /// What is remembered of each dropped ticket, the most recently updated kept when there
    /// are too many.
    private var dropped: [String: Gone] = [:]

    /// A dropped ticket: its last `updated_at`, and what a reopened version would not bring.
    private struct Gone: Sendable {
        var updatedAt: Date
        var firstResponseAt: Date?
        var conversation: [TicketEvent]
    }
    /// Counts changes, so that an unchanged view is not saved again; not saved itself.
    private(set) var revision = 0

    /// How many dropped versions are remembered.
    static let droppedMemory = 10_000

    /// The latest `updated_at` of the tickets held and dropped; nil for an empty view.
    var latestUpdate: Date? {
        let held = tickets.values.lazy.map { $0.updatedAt ?? $0.createdAt }.max()
        let gone = dropped.values.lazy.map(\.updatedAt).max()
        return [held, gone].compactMap { $0 }.max()
    }

    /// Drops the tickets the last poll reported settled.
    mutating func beginPoll() {
        for id in settled {
            guard let ticket = tickets[id], ticket.status.isSolved else { continue }
            tickets[id] = nil
            dropped[id] = Gone(
                updatedAt: ticket.updatedAt ?? ticket.createdAt, firstResponseAt: ticket.firstResponseAt,
                conversation: ticket.events.filter(\.isConversation))
            revision += 1
        }
        settled = []
        if dropped.count > IncrementalView.droppedMemory {
            let keep = dropped.sorted { $0.value.updatedAt > $1.value.updatedAt }.prefix(IncrementalView.droppedMemory)
            dropped = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    /// Merges one ticket; returns false when it was ignored, being older than the version
    /// held or no newer than the version dropped.
    @discardableResult
    mutating func merge(_ ticket: Ticket) -> Bool {
        var ticket = ticket
        if let gone = dropped[ticket.id] {
            guard let new = ticket.updatedAt, new > gone.updatedAt else { return false }
            dropped[ticket.id] = nil
            revision += 1
            if ticket.firstResponseAt == nil { ticket.firstResponseAt = gone.firstResponseAt }
            if !gone.conversation.isEmpty { ticket.events = IncrementalView.ordered(Set(ticket.events).union(gone.conversation)) }
        }
        if let old = tickets[ticket.id] {
            if let new = ticket.updatedAt, let held = old.updatedAt, new < held { return false }
            if ticket.firstResponseAt == nil { ticket.firstResponseAt = old.firstResponseAt }
            let kept = old.events.filter(\.isConversation)
            if !kept.isEmpty { ticket.events = IncrementalView.ordered(Set(ticket.events).union(kept)) }
            if old == ticket { return true }
        }
        tickets[ticket.id] = ticket
        revision += 1
        return true
    }

    /// Sets a held ticket's first public reply, unless it holds an earlier one.
    mutating func setFirstResponse(_ at: Date, ticketID: String) {
        guard let ticket = tickets[ticketID] else { return }
        if let held = ticket.firstResponseAt, held <= at { return }
        tickets[ticketID]!.firstResponseAt = at
        revision += 1
    }

    /// Adds customer messages and agent replies to a held ticket's events; an event already
    /// held is not added again. Ignored for a ticket the view does not hold.
    mutating func addConversation(_ events: [TicketEvent], ticketID: String) {
        guard let ticket = tickets[ticketID] else { return }
        let held = Set(ticket.events)
        let new = events.filter { $0.isConversation && !held.contains($0) }
        guard !new.isEmpty else { return }
        tickets[ticketID]!.events = IncrementalView.ordered(held.union(new))
        revision += 1
    }

    /// Events in time order; at one instant, status changes first (as the engine reads
    /// them), then customer messages, then replies, so the order never depends on hashing.
    static func ordered(_ events: Set<TicketEvent>) -> [TicketEvent] {
        events.sorted { a, b in
            if a.at != b.at { return a.at < b.at }
            return a.sortKey < b.sortKey
        }
    }

    /// Ends the poll: the tickets to report, oldest first, and which of them to drop next time.
    mutating func endPoll() -> [Ticket] {
        let nowSettled = Set(tickets.values.filter(\.status.isSolved).map(\.id))
        if nowSettled != settled { revision += 1 }
        settled = nowSettled
        return tickets.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    // MARK: Persistence

    /// The view as text for a `CursorStore`.
    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A view saved by `encoded()`; nil when the text is not one.
    static func decode(_ text: String) -> IncrementalView? {
        try? JSONDecoder().decode(IncrementalView.self, from: Data(text.utf8))
    }

    enum CodingKeys: String, CodingKey {
        case tickets, settled, dropped
    }

    /// One remembered dropped version; views saved before the first response and the
    /// conversation were kept have only `id` and `updated_at`.
    private struct Dropped: Codable {
        var id: String
        var updatedAt: Timestamp
        var firstResponseAt: Timestamp?
        var events: [TicketEvent]?

        enum CodingKeys: String, CodingKey {
            case id, events
            case updatedAt = "updated_at"
            case firstResponseAt = "first_response_at"
        }
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let list = try c.decode([Ticket].self, forKey: .tickets)
        tickets = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        settled = Set(try c.decodeIfPresent([String].self, forKey: .settled) ?? [])
        let gone = try c.decodeIfPresent([Dropped].self, forKey: .dropped) ?? []
        dropped = Dictionary(
            gone.map { ($0.id, Gone(updatedAt: $0.updatedAt.date, firstResponseAt: $0.firstResponseAt?.date, conversation: $0.events ?? [])) },
            uniquingKeysWith: { $0.updatedAt >= $1.updatedAt ? $0 : $1 })
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tickets.values.sorted { $0.id < $1.id }, forKey: .tickets)
        try c.encode(settled.sorted(), forKey: .settled)
        let gone = dropped.sorted { $0.key < $1.key }.map { id, gone in
            Dropped(
                id: id, updatedAt: Timestamp(gone.updatedAt), firstResponseAt: gone.firstResponseAt.map(Timestamp.init),
                events: gone.conversation.isEmpty ? nil : gone.conversation)
        }
        try c.encode(gone, forKey: .dropped)
    }
}

extension TicketEvent {
    /// A customer message or an agent reply: history that only grows.
    var isConversation: Bool {
        switch kind {
        case .customerMessage, .agentReply: true
        default: false
        }
    }

    /// A total order of events at one instant.
    fileprivate var sortKey: String {
        switch kind {
        case .status(let status): "0 status \(status.rawValue)"
        case .customerMessage: "1 customer"
        case .agentReply(let isPublic): isPublic ? "3 reply public" : "2 reply private"
        case .priority(let priority): "4 priority \(priority.rawValue)"
        case .assignee(let name): "5 assignee \(name ?? "")"
        case .group(let name): "6 group \(name ?? "")"
        }
    }
}
