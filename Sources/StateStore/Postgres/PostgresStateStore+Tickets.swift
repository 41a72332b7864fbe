public import Foundation
import PostgresNIO
public import SLAEngine

extension PostgresStateStore {
    /// Compares a poll's tickets with what the last poll saw and records every change as a
    /// transition at `at`; returns the transitions recorded so far for the polled tickets.
    public func observe(_ tickets: [Ticket], source: String, at: Date) async throws(StateStoreError) -> [String: [TicketEvent]] {
        let now = Int64(at.timeIntervalSince1970)
        let cached = cache.withLock { $0.takeTickets() }
        var all: [String: [String: StateStore.Snapshot]]
        var transitions: [String: [TicketEvent]]
        if let snapshots = cached.snapshots, let known = cached.transitions {
            (all, transitions) = (snapshots, known)
        } else {
            (all, transitions) = try await loadTickets()
        }
        var snapshots = all.removeValue(forKey: source) ?? [:]
        // Tickets never seen are new rows; the others' rows are updated.
        let fresh = Set(tickets.lazy.filter { snapshots[$0.id] == nil }.map(\.key))
        let observed = TicketObservation(tickets, at: now, snapshots: &snapshots, transitions: &transitions)
        var rows = (fresh: SnapshotRows(source: source, at: now), known: SnapshotRows(source: source, at: now))
        for (key, seen) in observed.changed {
            if fresh.contains(key) { rows.fresh.append(key, seen) } else { rows.known.append(key, seen) }
        }
        if !observed.changed.isEmpty {
            let (written, moves) = (rows, TicketObservation.copy(observed.moves))
            try await write { connection, logger in
                // In the order they happened: their ids keep it.
                try await connection.copy(moves, into: "transition", logger: logger)
                try await connection.insert(
                    written.fresh.count, into: "ticket_snapshot", copying: { written.fresh.copy }, otherwise: { written.fresh.upsert },
                    logger: logger)
                if written.known.count > 0 { try await connection.query(written.known.upsert, logger: logger) }
            }
        }
        all[source] = snapshots
        cache.withLock {
            $0.snapshots = all
            $0.transitions = transitions
        }
        return TicketObservation.history(of: tickets, in: transitions)
    }

    private func loadTickets() async throws(StateStoreError) -> ([String: [String: StateStore.Snapshot]], [String: [TicketEvent]]) {
        try await read { connection, logger in
            var snapshots: [String: [String: StateStore.Snapshot]] = [:]
            let rows = try await connection.query("SELECT ticket_id, source, status, priority, assignee, grp FROM ticket_snapshot", logger: logger)
            // Tables key tickets by their key (`SOURCE:ID`); memory by source, then the source's own id.
            for try await (key, source, status, priority, assignee, group) in rows.decode((String, String, String, String, String?, String?).self) {
                guard let status = TicketStatus(rawValue: status), let priority = TicketPriority(rawValue: priority) else { continue }
                snapshots[source, default: [:]][TicketKey.split(key).id] = StateStore.Snapshot(status: status, priority: priority, assignee: assignee, group: group)
            }
            var transitions: [String: [TicketEvent]] = [:]
            let moves = try await connection.query("SELECT ticket_id, at, kind, value FROM transition ORDER BY ticket_id, at, id", logger: logger)
            for try await (id, at, kind, value) in moves.decode((String, Int64, String, String?).self) {
                if let event = TicketObservation.event(at: at, kind: kind, value: value) { transitions[id, default: []].append(event) }
            }
            return (snapshots, transitions)
        }
    }

    // MARK: Breaches

    /// Records the clocks that went past their due time; a clock breaches once.
    public func recordBreaches(_ breaches: [BreachRecord]) async throws(StateStoreError) {
        guard !breaches.isEmpty else { return }
        let cached = cache.withLock { $0.takeBreaches() }
        var ledger: BreachLedger
        if let cached { ledger = cached } else { ledger = try await loadBreaches() }
        var rows = BreachRows()
        for position in ledger.add(breaches) { rows.append(breaches[position].clockKey, breaches[position]) }
        if rows.count > 0 {
            let written = rows
            try await write { connection, logger in
                try await connection.insert(
                    written.count, into: "breach", copying: { written.copy }, otherwise: { written.insert }, logger: logger)
            }
        }
        cache.withLock { $0.breaches = ledger }
    }

    /// Breaches per customer since `since`, counted from memory after the first call.
    public func breachCounts(since: Date) async throws(StateStoreError) -> BreachCounts {
        let ledger: BreachLedger
        if let cached = cache.withLock({ $0.breaches }) {
            ledger = cached
        } else {
            ledger = try await loadBreaches()
            cache.withLock { $0.breaches = $0.breaches ?? ledger }
        }
        return BreachCounts(ledger.entries, since: Int64(since.timeIntervalSince1970))
    }

    private func loadBreaches() async throws(StateStoreError) -> BreachLedger {
        try await read { connection, logger in
            var ledger = BreachLedger()
            let rows = try await connection.query("SELECT clock_key, customer_id, ticket_id, at FROM breach", logger: logger)
            for try await (key, customer, ticket, at) in rows.decode((String, String, String, Int64).self) {
                ledger.note(clockKey: key, customerID: customer, ticketID: ticket, at: at)
            }
            return ledger
        }
    }
}

extension TicketObservation {
    /// Transitions as `COPY` rows, in the order given.
    static func copy(_ moves: [Move]) -> CopyRows {
        var rows = CopyRows(columns: ["ticket_id", "at", "kind", "value"], capacity: moves.count)
        for move in moves {
            rows.text(move.ticket)
            rows.number(move.at)
            rows.text(move.kind)
            rows.text(move.value)
            rows.endRow()
        }
        return rows
    }
}

/// Ticket snapshots of one source, seen at one time, to write: as `COPY` rows when they
/// are new, or as arrays for one upsert.
struct SnapshotRows: Sendable {
    let source: String
    let at: Int64
    var ids: [String] = [], statuses: [String] = [], priorities: [String] = [], assignees = NullableText(), groups = NullableText()
    var count: Int { ids.count }

    init(source: String, at: Int64) {
        self.source = source
        self.at = at
    }

    mutating func append(_ key: String, _ seen: StateStore.Snapshot) {
        ids.append(key)
        statuses.append(seen.status.rawValue)
        priorities.append(seen.priority.rawValue)
        assignees.append(seen.assignee)
        groups.append(seen.group)
    }

    var copy: CopyRows {
        var rows = CopyRows(columns: ["ticket_id", "source", "status", "priority", "assignee", "grp", "changed_at"], capacity: count)
        for index in ids.indices {
            rows.text(ids[index])
            rows.text(source)
            rows.text(statuses[index])
            rows.text(priorities[index])
            rows.text(assignees[index])
            rows.text(groups[index])
            rows.number(at)
            rows.endRow()
        }
        return rows
    }

    var upsert: PostgresQuery {
        """
        INSERT INTO ticket_snapshot (ticket_id, source, status, priority, assignee, grp, changed_at)
        SELECT id, \(source), status, priority, CASE WHEN assignee_null THEN NULL ELSE assignee END,
            CASE WHEN grp_null THEN NULL ELSE grp END, \(at)
        FROM unnest(\(ids)::text[], \(statuses)::text[], \(priorities)::text[], \(assignees.values)::text[], \(assignees.nulls)::bool[],
            \(groups.values)::text[], \(groups.nulls)::bool[]) AS t(id, status, priority, assignee, assignee_null, grp, grp_null)
        ON CONFLICT (ticket_id) DO UPDATE SET source = excluded.source, status = excluded.status,
            priority = excluded.priority, assignee = excluded.assignee, grp = excluded.grp, changed_at = excluded.changed_at
        """
    }
}

/// New breaches to write: as `COPY` rows, or as arrays for one insert that skips a clock
/// already on record.
struct BreachRows: Sendable {
    var keys: [String] = [], customers: [String] = [], tickets: [String] = [], at: [Int64] = []
    var count: Int { keys.count }

    mutating func append(_ clockKey: String, _ breach: BreachRecord) {
        keys.append(clockKey)
        customers.append(breach.customerID)
        tickets.append(breach.ticketKey)
        at.append(Int64(breach.at.timeIntervalSince1970))
    }

    var copy: CopyRows {
        var rows = CopyRows(columns: ["clock_key", "customer_id", "ticket_id", "at"], capacity: count)
        for index in keys.indices {
            rows.text(keys[index])
            rows.text(customers[index])
            rows.text(tickets[index])
            rows.number(at[index])
            rows.endRow()
        }
        return rows
    }

    var insert: PostgresQuery {
        """
        INSERT INTO breach (clock_key, customer_id, ticket_id, at)
        SELECT * FROM unnest(\(keys)::text[], \(customers)::text[], \(tickets)::text[], \(at)::int8[])
        ON CONFLICT (clock_key) DO NOTHING
        """
    }
}
