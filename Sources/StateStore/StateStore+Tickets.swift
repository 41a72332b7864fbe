public import Foundation
import GRDB
public import SLAEngine

extension StateStore {
    /// Compares a poll's tickets with what the last poll saw, records every change of
    /// status, priority, assignee and group as a transition at `at`, and returns the
    /// transitions recorded so far for the polled tickets (the history a snapshot-only
    /// source cannot give).
    public func observe(_ tickets: [Ticket], source: String, at: Date) throws(StateStoreError) -> [String: [TicketEvent]] {
        let now = Int64(at.timeIntervalSince1970)
        return try write { db in
            var known: [String: Row] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM ticket_snapshot WHERE source = ?", arguments: [source]) {
                known[row["ticket_id"]] = row
            }
            let upsert = try db.makeStatement(sql: """
                INSERT INTO ticket_snapshot (ticket_id, source, status, priority, assignee, grp, seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(ticket_id) DO UPDATE SET source = excluded.source, status = excluded.status,
                    priority = excluded.priority, assignee = excluded.assignee, grp = excluded.grp, seen_at = excluded.seen_at
                """)
            let insertTransition = try db.makeStatement(sql: "INSERT INTO transition (ticket_id, at, kind, value) VALUES (?, ?, ?, ?)")
            for ticket in tickets {
                let status = ticket.status.rawValue, priority = ticket.priority.rawValue
                if let old = known[ticket.id] {
                    let changes: [(String, String?, String?)] = [
                        ("status", old["status"], status), ("priority", old["priority"], priority),
                        ("assignee", old["assignee"], ticket.assignee), ("group", old["grp"], ticket.group),
                    ]
                    var changed = false
                    for (kind, before, after) in changes where before != after {
                        try insertTransition.execute(arguments: [ticket.id, now, kind, after])
                        changed = true
                    }
                    if !changed { continue }
                }
                try upsert.execute(arguments: [ticket.id, source, status, priority, ticket.assignee, ticket.group, now])
            }
            var history: [String: [TicketEvent]] = [:]
            let polled = Set(tickets.map(\.id))
            let rows = try Row.fetchCursor(db, sql: "SELECT ticket_id, at, kind, value FROM transition ORDER BY ticket_id, at, id")
            while let row = try rows.next() {
                let id: String = row["ticket_id"]
                guard polled.contains(id), let event = StateStore.event(row) else { continue }
                history[id, default: []].append(event)
            }
            return history
        }
    }

    private static func event(_ row: Row) -> TicketEvent? {
        let at = Date(timeIntervalSince1970: TimeInterval(row["at"] as Int64))
        let value: String? = row["value"]
        switch row["kind"] as String {
        case "status": return value.flatMap(TicketStatus.init(rawValue:)).map { TicketEvent(at: at, .status($0)) }
        case "priority": return value.flatMap(TicketPriority.init(rawValue:)).map { TicketEvent(at: at, .priority($0)) }
        case "assignee": return TicketEvent(at: at, .assignee(value))
        case "group": return TicketEvent(at: at, .group(value))
        default: return nil
        }
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
