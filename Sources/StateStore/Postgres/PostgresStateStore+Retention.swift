public import Foundation
import PostgresNIO

extension PostgresStateStore: StateRetention {
    /// The same rows as SQLite's prune, each kind in one fenced statement: only the leader forgets.
    public func prune(before cutoff: Date, limit: Int) async throws(StateStoreError) -> PrunedRows {
        let at = Int64(cutoff.timeIntervalSince1970)
        let pruned = try await write { connection, logger in
            var pruned = PrunedRows()
            func count(_ query: PostgresQuery) async throws -> Int {
                try await connection.query(query, logger: logger).all(Int.self).first ?? 0
            }
            let tickets = try await connection.query("""
                SELECT ticket_id FROM ticket_snapshot WHERE status IN ('solved', 'closed') AND changed_at < \(at) LIMIT \(limit)
                """, logger: logger).all(String.self)
            if !tickets.isEmpty {
                pruned["transition"] = try await count(
                    "WITH d AS (DELETE FROM transition WHERE ticket_id = ANY(\(tickets)::text[]) RETURNING 1) SELECT count(*)::bigint FROM d")
                pruned["intent"] = try await count(
                    "WITH d AS (DELETE FROM intent WHERE ticket_id = ANY(\(tickets)::text[]) RETURNING 1) SELECT count(*)::bigint FROM d")
                pruned["breach"] = try await count(
                    "WITH d AS (DELETE FROM breach WHERE ticket_id = ANY(\(tickets)::text[]) RETURNING 1) SELECT count(*)::bigint FROM d")
                // Clock keys start with `SOURCE:ID/`; compared as bytes, whatever the database's collation.
                let prefixes = tickets.map { $0 + "/" }
                pruned["clock_outcome"] = try await count("""
                    WITH d AS (DELETE FROM clock_outcome o USING unnest(\(prefixes)::text[]) AS p(prefix)
                        WHERE starts_with(o.clock_key, p.prefix) RETURNING 1) SELECT count(*)::bigint FROM d
                    """)
                pruned["clock_hold"] = try await count("""
                    WITH d AS (DELETE FROM clock_hold h USING unnest(\(prefixes)::text[]) AS p(prefix)
                        WHERE starts_with(h.clock_key, p.prefix) RETURNING 1) SELECT count(*)::bigint FROM d
                    """)
                pruned["ticket_snapshot"] = try await count(
                    "WITH d AS (DELETE FROM ticket_snapshot WHERE ticket_id = ANY(\(tickets)::text[]) RETURNING 1) SELECT count(*)::bigint FROM d")
            }
            let outbox = try await count("""
                WITH d AS (DELETE FROM outbox WHERE key IN (
                    SELECT key FROM outbox WHERE status != 'pending' AND created_at < \(at) LIMIT \(limit)) RETURNING 1)
                SELECT count(*)::bigint FROM d
                """)
            let log = try await count("""
                WITH d AS (DELETE FROM delivery_log WHERE id IN (SELECT id FROM delivery_log WHERE at < \(at) LIMIT \(limit)) RETURNING 1)
                SELECT count(*)::bigint FROM d
                """)
            let holds = try await count("""
                WITH d AS (DELETE FROM clock_hold WHERE id IN (SELECT id FROM clock_hold WHERE until < \(at) LIMIT \(limit)) RETURNING 1)
                SELECT count(*)::bigint FROM d
                """)
            let silences = try await count("""
                WITH d AS (DELETE FROM silence WHERE id IN (SELECT id FROM silence WHERE ends_at < \(at) LIMIT \(limit)) RETURNING 1)
                SELECT count(*)::bigint FROM d
                """)
            pruned["outbox"] = outbox
            pruned["delivery_log"] = log
            pruned["clock_hold"] += holds
            pruned["silence"] = silences
            pruned.reachedLimit = [tickets.count, outbox, log, holds, silences].contains(limit)
            return pruned
        }
        if pruned["ticket_snapshot"] > 0 { cache.withLock { $0 = StateStore.Cache() } }
        return pruned
    }
}
