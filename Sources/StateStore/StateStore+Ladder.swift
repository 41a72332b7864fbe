public import Foundation
import GRDB
public import SLAEngine

extension StateStore {
    /// What earlier ticks recorded, by clock key, for the clocks of these tickets.
    ///
    /// A withdrawn intent counts as fired (its step never fires again) but not as
    /// sent, so it is reported as skipped.
    public func ladderHistory(tickets: Set<String>) throws(StateStoreError) -> [String: [LadderRecord]] {
        try read { db in
            var history: [String: [LadderRecord]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT ticket_id, clock_key, step, channel, kind, status FROM intent")
            while let row = try rows.next() {
                guard tickets.contains(row["ticket_id"]) else { continue }
                let status: String = row["status"]
                let kind = status == "withdrawn" ? .skipped : Intent.Kind(rawValue: row["kind"]) ?? .skipped
                history[row["clock_key"], default: []].append(LadderRecord(
                    step: row["step"], channel: row["channel"], kind: kind, isHeld: status == "held"
                ))
            }
            return history
        }
    }

    /// Held intents whose quiet hours have ended by `now`.
    public func heldIntents(dueBy now: Date) throws(StateStoreError) -> [Intent] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM intent WHERE status = 'held' AND not_before <= ? ORDER BY created_at, id
                """, arguments: [Int64(now.timeIntervalSince1970)]).compactMap(StateStore.intent)
        }
    }

    private static func intent(_ row: Row) -> Intent? {
        guard let metric = Metric(rawValue: row["metric"]), let kind = Intent.Kind(rawValue: row["kind"]) else { return nil }
        return Intent(
            ticketID: row["ticket_id"], metric: metric, cycle: row["cycle"], step: row["step"], kind: kind,
            channel: row["channel"], role: (row["role"] as String?).flatMap(Role.init(rawValue:)),
            isLate: row["late"], notBefore: (row["not_before"] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) },
            template: row["template"], reason: row["reason"]
        )
    }

    /// Writes one tick's decisions and the messages that carry them, atomically.
    public func commit(_ tick: TickCommit) throws(StateStoreError) {
        let now = Int64(tick.at.timeIntervalSince1970)
        let encoder = JSONEncoder()
        try write { db in
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, role,
                    late, template, reason, status, not_before, message_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (n, messageKey) in tick.intents {
                let status = n.kind == .skipped ? "skipped" : messageKey == nil ? "held" : "queued"
                try insert.execute(arguments: [
                    n.id, n.clockKey, n.ticketID, n.metric.rawValue, n.cycle, n.step, n.kind.rawValue, n.channel,
                    n.role?.rawValue, n.isLate, n.template, n.reason, status,
                    n.notBefore.map { Int64($0.timeIntervalSince1970) }, messageKey, now,
                ])
            }
            for (id, messageKey) in tick.released {
                try db.execute(
                    sql: "UPDATE intent SET status = 'queued', message_key = ? WHERE id = ? AND status = 'held'",
                    arguments: [messageKey, id]
                )
            }
            for id in tick.withdrawn {
                try db.execute(sql: "UPDATE intent SET status = 'withdrawn' WHERE id = ? AND status = 'held'", arguments: [id])
            }
            let enqueue = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO outbox (key, channel, message, status, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, 'pending', 0, ?, ?)
                """)
            for message in tick.messages {
                try enqueue.execute(arguments: [message.key, message.channel, try encoder.encode(message), now, now])
            }
            let breach = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO breach (clock_key, customer_id, ticket_id, at) VALUES (?, ?, ?, ?)
                """)
            for b in tick.breaches {
                try breach.execute(arguments: [
                    ClockKey.make(b.ticketID, b.metric, b.cycle), b.customerID, b.ticketID, Int64(b.at.timeIntervalSince1970),
                ])
            }
        }
    }

    /// Breached clocks per customer since `since`, by clock key.
    public func breaches(since: Date) throws(StateStoreError) -> [String: Set<String>] {
        try read { db in
            var result: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT customer_id, clock_key FROM breach WHERE at >= ?",
                                        arguments: [Int64(since.timeIntervalSince1970)]) {
                result[row["customer_id"], default: []].insert(row["clock_key"])
            }
            return result
        }
    }
}
