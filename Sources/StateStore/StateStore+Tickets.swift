public import Foundation
import GRDB
public import SLAEngine

extension StateStore {
    /// Compares a poll's tickets with what the last poll saw, records every change of
    /// status, priority, assignee and group as a transition at `at`, and returns the
    /// transitions recorded so far for the polled tickets (the history a snapshot-only
    /// source cannot give), by ticket key (`Ticket.key`). Tables key tickets by that key;
    /// the snapshots in memory are by source, then by the source's own id.
    /// What changed is worked out by `TicketObservation`.
    public func observe(_ tickets: [Ticket], source: String, at: Date) throws(StateStoreError) -> [String: [TicketEvent]] {
        let now = Int64(at.timeIntervalSince1970)
        let cached = cache.withLock { $0.takeTickets() }
        let (snapshots, transitions) = try write { db -> ([String: [String: Snapshot]], [String: [TicketEvent]]) in
            var all = try cached.snapshots ?? StateStore.loadSnapshots(db)
            // Taken out of the table while updated, so nothing is copied.
            var snapshots = all.removeValue(forKey: source) ?? [:]
            var transitions = try cached.transitions ?? StateStore.loadTransitions(db)
            let observed = TicketObservation(tickets, at: now, snapshots: &snapshots, transitions: &transitions)
            var insertTransition = try RowWriter(db, sql: "INSERT INTO transition (ticket_id, at, kind, value) VALUES (?, ?, ?, ?)")
            for move in observed.moves {
                insertTransition.bind(move.ticket)
                insertTransition.bind(move.at)
                insertTransition.bind(move.kind)
                insertTransition.bind(move.value)
                try insertTransition.addRow()
            }
            try insertTransition.finish()
            // Only new and changed snapshots are written, in key order.
            var upsert = try RowWriter(db, sql: """
                INSERT INTO ticket_snapshot (ticket_id, source, status, priority, assignee, grp, changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(ticket_id) DO UPDATE SET source = excluded.source, status = excluded.status,
                    priority = excluded.priority, assignee = excluded.assignee, grp = excluded.grp, changed_at = excluded.changed_at
                """)
            for (key, seen) in observed.changed.sorted(by: { $0.key < $1.key }) {
                for value in [key, source, seen.status.rawValue, seen.priority.rawValue, seen.assignee, seen.group] { upsert.bind(value) }
                upsert.bind(now)
                try upsert.addRow()
            }
            try upsert.finish()
            all[source] = snapshots
            return (all, transitions)
        }
        cache.withLock {
            $0.snapshots = snapshots
            $0.transitions = transitions
        }
        return TicketObservation.history(of: tickets, in: transitions)
    }

    private static func loadSnapshots(_ db: Database) throws -> [String: [String: Snapshot]] {
        var snapshots: [String: [String: Snapshot]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT ticket_id, source, status, priority, assignee, grp FROM ticket_snapshot")
        while let row = try rows.next() {
            // Written by this code, so always known; a row that is not is seen afresh.
            guard let status = TicketStatus(rawValue: row["status"]), let priority = TicketPriority(rawValue: row["priority"])
            else { continue }
            let source: String = row["source"], key: String = row["ticket_id"]
            snapshots[source, default: [:]][TicketKey.split(key).id] = Snapshot(
                status: status, priority: priority, assignee: row["assignee"], group: row["grp"]
            )
        }
        return snapshots
    }

    private static func loadTransitions(_ db: Database) throws -> [String: [TicketEvent]] {
        var transitions: [String: [TicketEvent]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT ticket_id, at, kind, value FROM transition ORDER BY ticket_id, at, id")
        while let row = try rows.next() {
            if let event = TicketObservation.event(at: row["at"], kind: row["kind"], value: row["value"]) {
                transitions[row["ticket_id"], default: []].append(event)
            }
        }
        return transitions
    }

    /// The cursor a source saved to resume from, if any.
    public func cursor(source: String) throws(StateStoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT cursor FROM source_cursor WHERE source = ?", arguments: [source]) }
    }

    /// Saves where a source should resume after a restart.
    public func saveCursor(_ cursor: String, source: String, at: Date) throws(StateStoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO source_cursor (source, cursor, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                """, arguments: [source, cursor, Int64(at.timeIntervalSince1970)])
        }
    }
}

extension TicketEvent {
    /// A change of group.
    var isGroupChange: Bool {
        if case .group = kind { return true }
        return false
    }
}
