public import Foundation
import GRDB

extension StateStore: StateRetention {
    public func prune(before cutoff: Date, limit: Int) throws(StateStoreError) -> PrunedRows {
        let at = Int64(cutoff.timeIntervalSince1970)
        var pruned = PrunedRows()
        // Each kind in its own short transaction, so a tick never waits long for the writer;
        // a ticket's rows go together.
        let tickets = try write { db in
            let tickets = try String.fetchAll(db, sql: """
                SELECT ticket_id FROM ticket_snapshot WHERE status IN ('solved', 'closed') AND changed_at < ? LIMIT ?
                """, arguments: [at, limit])
            for ticket in tickets {
                try db.execute(sql: "DELETE FROM transition WHERE ticket_id = ?", arguments: [ticket])
                pruned["transition"] += db.changesCount
                // Intent ids and clock keys start with `SOURCE:ID/`: a range of each key's
                // index, as bytes compare ('0' follows '/').
                for (table, column) in [("intent", "id"), ("breach", "clock_key"), ("clock_outcome", "clock_key"), ("clock_hold", "clock_key")] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE \(column) > ? AND \(column) < ?", arguments: [ticket + "/", ticket + "0"])
                    pruned[table] += db.changesCount
                }
                try db.execute(sql: "DELETE FROM ticket_snapshot WHERE ticket_id = ?", arguments: [ticket])
                pruned["ticket_snapshot"] += db.changesCount
            }
            return tickets
        }
        // The tick's copies of those tables are read again at the next tick.
        if !tickets.isEmpty { cache.withLock { $0 = Cache() } }
        let ended: [(table: String, sql: String)] = [
            ("outbox", "DELETE FROM outbox WHERE rowid IN (SELECT rowid FROM outbox WHERE status != 'pending' AND created_at < ? LIMIT ?)"),
            ("delivery_log", "DELETE FROM delivery_log WHERE id IN (SELECT id FROM delivery_log WHERE at < ? LIMIT ?)"),
            ("clock_hold", "DELETE FROM clock_hold WHERE id IN (SELECT id FROM clock_hold WHERE until < ? LIMIT ?)"),
            ("silence", "DELETE FROM silence WHERE id IN (SELECT id FROM silence WHERE ends_at < ? LIMIT ?)"),
        ]
        var full = tickets.count == limit
        for (table, sql) in ended {
            let count = try write { db in
                try db.execute(sql: sql, arguments: [at, limit])
                return db.changesCount
            }
            pruned[table] += count
            full = full || count == limit
        }
        pruned.reachedLimit = full
        return pruned
    }
}
