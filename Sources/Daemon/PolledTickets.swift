import SLAEngine

/// The last poll's tickets: each source's batch kept as it came, and where each ticket
/// (by key, `SOURCE:ID`) is in it.
///
/// A batch is held as the array the source returned, not copied into a table keyed by id:
/// a ticket is several hundred bytes, and a hundred thousand of them held twice (or spread
/// over a hash table's empty buckets) is most of a large tick's memory. The index by id is
/// a table of 32-bit positions (`PositionIndex`), 1 MiB for 100,000 tickets, where a
/// dictionary from key to position took ten.
struct PolledTickets: Sendable {
    /// By source. Two sources may report the same id: they are two tickets.
    private(set) var batches: [String: [Ticket]] = [:]
    private var indexes: [String: PositionIndex] = [:]

    private(set) var count = 0

    subscript(key: String) -> (ticket: Ticket, source: String)? {
        let (source, id) = TicketKey.split(key)
        guard let batch = batches[source], let position = indexes[source]?.position(of: id, in: batch) else { return nil }
        return (batch[position], source)
    }

    /// Replaces `source`'s tickets with `tickets`, which hold each id once and carry the
    /// source's name (`TicketBatch.identify`).
    mutating func replace(_ source: String, with tickets: [Ticket]) {
        remove(source)
        indexes[source] = PositionIndex(tickets)
        batches[source] = tickets
        count += tickets.count
    }

    /// Forgets `source`'s tickets.
    mutating func remove(_ source: String) {
        guard let batch = batches.removeValue(forKey: source) else { return }
        indexes[source] = nil
        count -= batch.count
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

/// Where each ticket of one batch is, by its id: an open-addressing hash table of positions
/// in the batch, at most half full, that keeps no copy of the ids (a probe compares the
/// ticket's own).
struct PositionIndex: Sendable {
    /// A position in the batch, or `empty`.
    private var slots: [Int32]
    private static let empty: Int32 = -1

    init(_ tickets: [Ticket]) {
        var size = 16
        while size < tickets.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: PositionIndex.empty, count: size)
        for (position, ticket) in tickets.enumerated() {
            var slot = PositionIndex.hash(ticket.id) & (size - 1)
            while slots[slot] != PositionIndex.empty { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(position)
        }
        self.slots = slots
    }

    /// The position of the ticket with `id` in `tickets`, the batch the index was made of.
    func position(of id: String, in tickets: [Ticket]) -> Int? {
        let mask = slots.count - 1
        var slot = PositionIndex.hash(id) & mask
        while slots[slot] != PositionIndex.empty {
            let position = Int(slots[slot])
            if tickets[position].id == id { return position }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The memory the table takes: four bytes a slot, at least two slots a ticket.
    var byteCount: Int { slots.count * MemoryLayout<Int32>.stride }

    private static func hash(_ id: String) -> Int {
        var hasher = Hasher()
        hasher.combine(id)
        return hasher.finalize()
    }
}
