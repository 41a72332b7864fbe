public import Foundation
import PostgresNIO
public import SLAEngine

extension PostgresStateStore {
    /// Compares a poll's tickets with what the last poll saw and records every change as a
    /// transition at `at`; returns the transitions recorded so far for the polled tickets.
    public func observe(_ tickets: [Ticket], source: String, at: Date) async throws(StateStoreError) -> [String: [TicketEvent]] {
        let now = Int64(at.timeIntervalSince1970)
        let cached = cache.withLock { cache in
            defer {
                cache.snapshots = nil
                cache.transitions = nil
            }
            return (cache.snapshots, cache.transitions)
        }
        var all: [String: [String: StateStore.Snapshot]]
        var transitions: [String: [TicketEvent]]
        if let snapshots = cached.0, let known = cached.1 {
            (all, transitions) = (snapshots, known)
        } else {
            (all, transitions) = try await loadTickets()
        }
        var snapshots = all.removeValue(forKey: source) ?? [:]
        let observed = TicketObservation(tickets, at: now, snapshots: &snapshots, transitions: &transitions)
        var moves = (tickets: [String](), at: [Int64](), kinds: [String](), values: NullableText())
        for move in observed.moves {
            moves.tickets.append(move.ticket)
            moves.at.append(move.at)
            moves.kinds.append(move.kind)
            moves.values.append(move.value)
        }
        var changed: (ids: [String], statuses: [String], priorities: [String], assignees: NullableText, groups: NullableText) =
            ([], [], [], NullableText(), NullableText())
        for (key, seen) in observed.changed {
            changed.ids.append(key)
            changed.statuses.append(seen.status.rawValue)
            changed.priorities.append(seen.priority.rawValue)
            changed.assignees.append(seen.assignee)
            changed.groups.append(seen.group)
        }
        if !changed.ids.isEmpty {
            let rows = changed, moved = moves
            try await write { connection, logger in
                if !moved.tickets.isEmpty {
                    try await connection.query("""
                        INSERT INTO transition (ticket_id, at, kind, value)
                        SELECT ticket_id, at, kind, CASE WHEN value_null THEN NULL ELSE value END
                        FROM unnest(\(moved.tickets)::text[], \(moved.at)::int8[], \(moved.kinds)::text[], \(moved.values.values)::text[],
                            \(moved.values.nulls)::bool[]) WITH ORDINALITY AS t(ticket_id, at, kind, value, value_null, n)
                        ORDER BY n
                        """, logger: logger)
                }
                try await connection.query("""
                    INSERT INTO ticket_snapshot (ticket_id, source, status, priority, assignee, grp, changed_at)
                    SELECT id, \(source), status, priority, CASE WHEN assignee_null THEN NULL ELSE assignee END,
                        CASE WHEN grp_null THEN NULL ELSE grp END, \(now)
                    FROM unnest(\(rows.ids)::text[], \(rows.statuses)::text[], \(rows.priorities)::text[],
                        \(rows.assignees.values)::text[], \(rows.assignees.nulls)::bool[], \(rows.groups.values)::text[],
                        \(rows.groups.nulls)::bool[]) AS t(id, status, priority, assignee, assignee_null, grp, grp_null)
                    ON CONFLICT (ticket_id) DO UPDATE SET source = excluded.source, status = excluded.status,
                        priority = excluded.priority, assignee = excluded.assignee, grp = excluded.grp, changed_at = excluded.changed_at
                    """, logger: logger)
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
        let cached = cache.withLock { cache in
            defer { cache.breaches = nil }
            return cache.breaches
        }
        var ledger: BreachLedger
        if let cached { ledger = cached } else { ledger = try await loadBreaches() }
        var rows = (keys: [String](), customers: [String](), tickets: [String](), at: [Int64]())
        for (clockKey, position) in ledger.add(breaches) {
            rows.keys.append(clockKey)
            rows.customers.append(breaches[position].customerID)
            rows.tickets.append(breaches[position].ticketKey)
            rows.at.append(Int64(breaches[position].at.timeIntervalSince1970))
        }
        if !rows.keys.isEmpty {
            let written = rows
            try await write { connection, logger in
                try await connection.query("""
                    INSERT INTO breach (clock_key, customer_id, ticket_id, at)
                    SELECT * FROM unnest(\(written.keys)::text[], \(written.customers)::text[], \(written.tickets)::text[], \(written.at)::int8[])
                    ON CONFLICT (clock_key) DO NOTHING
                    """, logger: logger)
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
                ledger.clocks.insert(key)
                ledger.entries.append(BreachLedger.Entry(customerID: customer, ticketID: ticket, at: at))
            }
            return ledger
        }
    }
}
