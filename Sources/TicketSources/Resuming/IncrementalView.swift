import Foundation
import SLAEngine

/// The merged view an incremental source keeps: every ticket seen so far in its latest
/// version, since an incremental export only returns what changed.
///
/// A newer version replaces an older one (by `updated_at`; an equal or unknown time
/// replaces too, the later page being the later word), keeping the older version's
/// `first_response_at` when the newer lacks it. A solved or closed ticket is reported in the
/// poll that brings it, so the daemon sees it close, and dropped at the start of the next
/// poll; if it reopens, the export brings it back. The version dropped is remembered, so
/// an export that reads its last instant again (Freshdesk's `updated_since` is inclusive)
/// does not report the same closing twice.
struct IncrementalView: Sendable, Codable {
    private(set) var tickets: [String: Ticket] = [:]
    /// Tickets reported solved or closed, dropped when the next poll begins.
    private var settled: Set<String> = []
    /// The `updated_at` of each dropped ticket, newest kept when there are too many.
    private var dropped: [String: Date] = [:]
    /// Counts changes, so that an unchanged view is not saved again; not saved itself.
    private(set) var revision = 0

    /// How many dropped versions are remembered.
    static let droppedMemory = 10_000

    /// Drops the tickets the last poll reported settled.
    mutating func beginPoll() {
        for id in settled {
            guard let ticket = tickets[id], ticket.status.isSolved else { continue }
            tickets[id] = nil
            dropped[id] = ticket.updatedAt ?? ticket.createdAt
            revision += 1
        }
        settled = []
        if dropped.count > IncrementalView.droppedMemory {
            let keep = dropped.sorted { $0.value > $1.value }.prefix(IncrementalView.droppedMemory)
            dropped = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    /// Merges one ticket; returns false when it was ignored, being older than the version
    /// held or no newer than the version dropped.
    @discardableResult
    mutating func merge(_ ticket: Ticket) -> Bool {
        var ticket = ticket
        if let gone = dropped[ticket.id] {
            guard let new = ticket.updatedAt, new > gone else { return false }
            dropped[ticket.id] = nil
            revision += 1
        }
        if let old = tickets[ticket.id] {
            if let new = ticket.updatedAt, let held = old.updatedAt, new < held { return false }
            if ticket.firstResponseAt == nil { ticket.firstResponseAt = old.firstResponseAt }
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

    /// One remembered dropped version.
    private struct Dropped: Codable {
        var id: String
        var updatedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case id
            case updatedAt = "updated_at"
        }
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let list = try c.decode([Ticket].self, forKey: .tickets)
        tickets = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        settled = Set(try c.decodeIfPresent([String].self, forKey: .settled) ?? [])
        let gone = try c.decodeIfPresent([Dropped].self, forKey: .dropped) ?? []
        dropped = Dictionary(gone.map { ($0.id, $0.updatedAt.date) }, uniquingKeysWith: { max($0, $1) })
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tickets.values.sorted { $0.id < $1.id }, forKey: .tickets)
        try c.encode(settled.sorted(), forKey: .settled)
        try c.encode(dropped.sorted { $0.key < $1.key }.map { Dropped(id: $0.key, updatedAt: Timestamp($0.value)) }, forKey: .dropped)
    }
}
