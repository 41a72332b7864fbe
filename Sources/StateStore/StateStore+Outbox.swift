public import Foundation
import GRDB
import SLAEngine

extension StateStore {
    /// Messages waiting to be tried at or before `now`, oldest first.
    public func pendingMessages(dueBy now: Date) throws(StateStoreError) -> [PendingMessage] {
        let decoder = JSONDecoder()
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT message, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
                ORDER BY created_at, key
                """, arguments: [Int64(now.timeIntervalSince1970)]).map { row in
                PendingMessage(message: try decoder.decode(OutboundMessage.self, from: row["message"] as Data), attempts: row["attempts"])
            }
        }
    }

    /// Records a successful delivery. Returns false when the message was already recorded
    /// as delivered (or is unknown), so nothing is ever recorded as sent twice.
    @discardableResult
    public func markDelivered(key: String, at: Date, detail: String? = nil) throws(StateStoreError) -> Bool {
        let now = Int64(at.timeIntervalSince1970)
        return try write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1 WHERE key = ? AND status = 'pending'",
                arguments: [now, key]
            )
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: """
                INSERT INTO delivery_log (key, channel, at, outcome, detail)
                SELECT key, channel, ?, 'delivered', ? FROM outbox WHERE key = ?
                """, arguments: [now, detail, key])
            return true
        }
    }

    /// Records a failed attempt: tried again at `retryAt`, or dead-lettered when nil.
    public func markFailed(key: String, at: Date, reason: String, detail: String?, retryAt: Date?) throws(StateStoreError) {
        let now = Int64(at.timeIntervalSince1970)
        try write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, status = ?, next_attempt_at = ?
                WHERE key = ? AND status = 'pending'
                """, arguments: [
                    detail ?? reason, retryAt == nil ? "dead" : "pending",
                    retryAt.map { Int64($0.timeIntervalSince1970) } ?? now, key,
                ])
            guard db.changesCount == 1 else { return }
            try db.execute(sql: """
                INSERT INTO delivery_log (key, channel, at, outcome, detail)
                SELECT key, channel, ?, ?, ? FROM outbox WHERE key = ?
                """, arguments: [now, retryAt == nil ? "dead:\(reason)" : "retry:\(reason)", detail, key])
        }
    }

    /// The earliest instant something stored wants attention: a retry or the end of quiet hours.
    public func nextWake() throws(StateStoreError) -> Date? {
        try read { db in
            let retry = try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")
            let held = try Int64.fetchOne(db, sql: "SELECT MIN(not_before) FROM intent WHERE status = 'held'")
            return [retry, held].compactMap { $0 }.min().map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    /// Messages pending, dead-lettered, and intents held.
    public func outboxDepth() throws(StateStoreError) -> OutboxDepth {
        try read { db in
            OutboxDepth(
                pending: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'pending'") ?? 0,
                dead: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'dead'") ?? 0,
                held: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM intent WHERE status = 'held'") ?? 0
            )
        }
    }
}
