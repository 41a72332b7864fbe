import SLAEngine

/// The last poll's tickets: each source's batch kept as it came, and where each ticket id
/// is in it.
///
/// A batch is held as the array the source returned, not copied into a table keyed by id:
/// a ticket is several hundred bytes, and a hundred thousand of them held twice (or spread
/// over a hash table's empty buckets) is most of a large tick's memory.
struct PolledTickets: Sendable {
    /// Where one ticket is: its source and its position in that source's batch.
    struct Location: Sendable {
        var source: String
        var position: Int
    }

    /// By source. A ticket id appears once across all batches: the first source to report
    /// it keeps it until that source's next poll.
    private(set) var batches: [String: [Ticket]] = [:]
    private var locations: [String: Location] = [:]

    var count: Int { locations.count }

    subscript(id: String) -> (ticket: Ticket, source: String)? {
        guard let location = locations[id], let batch = batches[location.source] else { return nil }
        return (batch[location.position], location.source)
    }

    /// Replaces `source`'s tickets with `tickets`. An id another source already reports, or
    /// one repeated in the batch, is left out.
    mutating func replace(_ source: String, with tickets: [Ticket]) {
        remove(source)
        locations.reserveCapacity(locations.count + tickets.count)
        // Copied only once a ticket is left out, which is rare.
        var kept: [Ticket]?
        for (position, ticket) in tickets.enumerated() {
            if locations[ticket.id] == nil {
                locations[ticket.id] = Location(source: source, position: kept?.count ?? position)
                kept?.append(ticket)
            } else if kept == nil {
                kept = Array(tickets[..<position])
            }
        }
        batches[source] = kept ?? tickets
    }

    /// Forgets `source`'s tickets.
    mutating func remove(_ source: String) {
        guard let batch = batches.removeValue(forKey: source) else { return }
        for ticket in batch where locations[ticket.id]?.source == source {
            locations[ticket.id] = nil
        }
    }

    /// Every ticket in runs of at most `size`, for work split across cores.
    func parts(of size: Int) -> [(source: String, range: Range<Int>)] {
        var parts: [(source: String, range: Range<Int>)] = []
        for (source, batch) in batches.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: batch.count, by: size) {
                parts.append((source, start..<min(start + size, batch.count)))
            }
        }
        return parts
    }
}
