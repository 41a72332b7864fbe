import SLAEngine

/// The last poll's tickets: each source's batch kept as it came, and where each ticket
/// (by key, `SOURCE:ID`) is in it.
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

    /// By source. Two sources may report the same id: they are two tickets.
    private(set) var batches: [String: [Ticket]] = [:]
    private var locations: [String: Location] = [:]

    var count: Int { locations.count }

    subscript(key: String) -> (ticket: Ticket, source: String)? {
        guard let location = locations[key], let batch = batches[location.source] else { return nil }
        return (batch[location.position], location.source)
    }

    /// Replaces `source`'s tickets with `tickets`, which hold each id once (`TicketBatch.identify`).
    mutating func replace(_ source: String, with tickets: [Ticket]) {
        remove(source)
        locations.reserveCapacity(locations.count + tickets.count)
        for (position, ticket) in tickets.enumerated() {
            locations[ticket.key] = Location(source: source, position: position)
        }
        batches[source] = tickets
    }

    /// Forgets `source`'s tickets.
    mutating func remove(_ source: String) {
        guard let batch = batches.removeValue(forKey: source) else { return }
        for ticket in batch {
            locations[ticket.key] = nil
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
