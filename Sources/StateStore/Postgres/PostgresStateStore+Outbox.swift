public import Foundation
import PostgresNIO
public import SLAEngine

extension PostgresStateStore: NotificationLog, OutboxStore {
    public func pendingMessages() async throws(StateStoreError) -> [PendingMessage] {
        let rows = try await read { connection, logger in
            var rows: [(Data, Int, Int64)] = []
            let result = try await connection.query("""
                SELECT message, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY created_at, key
                """, logger: logger)
            for try await row in result.decode((Data, Int, Int64).self) { rows.append(row) }
            return rows
        }
        do {
            return try rows.map { message, attempts, next in
                PendingMessage(message: try OutboxJSON.message(from: message), attempts: attempts,
                               nextAttemptAt: Date(timeIntervalSince1970: TimeInterval(next)))
            }
        } catch {
            throw StateStoreError(.corrupt, "\(endpoint): an outbox message cannot be read (\(error)); restore a backup of the database")
        }
    }

    public func enqueue(_ messages: [OutboundMessage]) async throws(StateStoreError) {
        guard !messages.isEmpty else { return }
        try await commit(TickCommit(at: messages.map(\.createdAt).max() ?? Date(), messages: messages))
    }

    public func pendingKeys() async throws(StateStoreError) -> [PendingKey] {
        try await read { connection, logger in
            var keys: [PendingKey] = []
            let result = try await connection.query("""
                SELECT key, channel, created_at, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY created_at, key
                """, logger: logger)
            for try await (key, channel, created, attempts, next) in result.decode((String, String, Int64, Int, Int64).self) {
                keys.append(PendingKey(
                    key: key, channel: channel, createdAt: Date(timeIntervalSince1970: TimeInterval(created)), attempts: attempts,
                    nextAttemptAt: Date(timeIntervalSince1970: TimeInterval(next))))
            }
            return keys
        }
    }

    /// Grants the claims of messages still pending while this daemon's epoch is current,
    /// and marks each with that epoch; returns the messages of the keys in `reading`.
    public func claim(_ keys: [String], reading: Set<String>) async throws(StateStoreError) -> OutboxClaim {
        guard !keys.isEmpty else { return OutboxClaim(granted: []) }
        let epoch = fenced ? epoch.withLock { $0 } : 0
        let wanted = Array(reading)
        let rows = try await write { connection, logger in
            let rows = try await connection.query("""
                UPDATE outbox SET claimed_epoch = \(epoch) WHERE key = ANY(\(keys)::text[]) AND status = 'pending'
                RETURNING key, CASE WHEN key = ANY(\(wanted)::text[]) THEN message END
                """, logger: logger)
            var granted: [(String, Data?)] = []
            for try await row in rows.decode((String, Data?).self) { granted.append(row) }
            return granted
        }
        var claim = OutboxClaim(granted: Set(rows.map(\.0)))
        for case (let key, let message?) in rows {
            do {
                claim.messages[key] = try OutboxJSON.message(from: message)
            } catch {
                throw StateStoreError(.corrupt, "\(endpoint): an outbox message cannot be read (\(error)); restore a backup of the database")
            }
        }
        return claim
    }

    /// Records finished attempts, and the outages they changed, while this daemon leads.
    public func record(_ attempts: [AttemptRecord], outages: [String: ChannelOutage?] = [:]) async throws(StateStoreError) {
        guard !attempts.isEmpty || !outages.isEmpty else { return }
        let narrowed = try StateStore.encode(attempts.compactMap(\.next))
        let replacements = zip(attempts.compactMap(\.next), narrowed).map { ($0.key, String(decoding: $1, as: UTF8.self)) }
        let epoch = fenced ? epoch.withLock { $0 } : nil
        try await write { connection, logger in
            for (key, body) in replacements {
                try await connection.query(
                    "UPDATE outbox SET message = convert_to(\(body), 'UTF8') WHERE key = \(key) AND status = 'pending'", logger: logger)
            }
            for run in PostgresStateStore.runsOfDistinctKeys(attempts) {
                try await PostgresStateStore.record(run, epoch: epoch, on: connection, logger: logger)
            }
            for (channel, outage) in outages {
                if let outage {
                    try await connection.query("""
                        INSERT INTO channel_outage (channel, since, dead_letters)
                        VALUES (\(channel), \(Int64(outage.since.timeIntervalSince1970)), \(outage.deadLetters))
                        ON CONFLICT (channel) DO UPDATE SET since = excluded.since, dead_letters = excluded.dead_letters
                        """, logger: logger)
                } else {
                    try await connection.query("DELETE FROM channel_outage WHERE channel = \(channel)", logger: logger)
                }
            }
        }
    }

    /// The attempts cut where a key comes again, so each part's statement changes a row at most once.
    static func runsOfDistinctKeys(_ attempts: [AttemptRecord]) -> [ArraySlice<AttemptRecord>] {
        var runs: [ArraySlice<AttemptRecord>] = []
        var start = attempts.startIndex
        var keys: Set<String> = []
        for index in attempts.indices where !keys.insert(attempts[index].key).inserted {
            runs.append(attempts[start..<index])
            start = index
            keys = [attempts[index].key]
        }
        if start < attempts.endIndex { runs.append(attempts[start...]) }
        return runs
    }

    /// Records a run of attempts at distinct keys in one statement, one round trip for them
    /// all: each message still pending takes its attempt's result, and each so changed gets
    /// its delivery log line, in the run's order. A record for a message no longer pending
    /// changes nothing, the log included.
    static func record(_ run: ArraySlice<AttemptRecord>, epoch: Int64?, on connection: PostgresConnection, logger: Logger) async throws {
        var keys: [String] = [], statuses: [String] = [], ats: [Int64] = [], nexts: [Int64] = []
        var errors: [String] = [], outcomes: [String] = [], details: [String] = [], detailed: [Bool] = []
        for attempt in run {
            let at = Int64(attempt.at.timeIntervalSince1970)
            let outcome: String, detail: String?, status: String, next: Int64, error: String
            switch attempt.result {
            case .delivered(let text):
                (outcome, detail, status, next, error) = ("delivered", text, "delivered", 0, "")
            case .retry(let retryAt, let reason, let text):
                (outcome, detail, status, next, error) = ("retry:\(reason)", text, "pending", Int64(retryAt.timeIntervalSince1970), text ?? reason)
            case .dead(let reason, let text):
                (outcome, detail, status, next, error) = ("dead:\(reason)", text, "dead", at, text ?? reason)
            }
            keys.append(attempt.key)
            statuses.append(status)
            ats.append(at)
            nexts.append(next)
            errors.append(error)
            outcomes.append(outcome)
            details.append(detail ?? "")
            detailed.append(detail != nil)
        }
        // Arrays of NULL-able text cannot be bound: a detail's absence goes beside it.
        try await connection.query("""
            WITH input AS (
                SELECT * FROM unnest(\(keys)::text[], \(statuses)::text[], \(ats)::int8[], \(nexts)::int8[], \(errors)::text[],
                                     \(outcomes)::text[], \(details)::text[], \(detailed)::bool[])
                    WITH ORDINALITY AS i(key, status, at, next, error, outcome, detail, detailed, ord)),
            done AS (
                UPDATE outbox o SET attempts = o.attempts + 1, status = i.status,
                    delivered_at = CASE WHEN i.status = 'delivered' THEN i.at ELSE o.delivered_at END,
                    next_attempt_at = CASE WHEN i.status = 'delivered' THEN o.next_attempt_at ELSE i.next END,
                    last_error = CASE WHEN i.status = 'delivered' THEN o.last_error ELSE i.error END
                FROM input i WHERE o.key = i.key AND o.status = 'pending'
                RETURNING o.key, o.channel, i.at, i.outcome, i.detail, i.detailed, i.ord)
            INSERT INTO delivery_log (key, channel, at, outcome, detail, epoch)
            SELECT key, channel, at, outcome, CASE WHEN detailed THEN detail END, \(epoch) FROM done ORDER BY ord
            """, logger: logger)
    }

    public func channelOutages() async throws(StateStoreError) -> [String: ChannelOutage] {
        try await read { connection, logger in
            var outages: [String: ChannelOutage] = [:]
            let rows = try await connection.query("SELECT channel, since, dead_letters FROM channel_outage", logger: logger)
            for try await (channel, since, dead) in rows.decode((String, Int64, Int).self) {
                outages[channel] = ChannelOutage(since: Date(timeIntervalSince1970: TimeInterval(since)), deadLetters: dead)
            }
            return outages
        }
    }

    /// The earliest instant a held intent's quiet hours end.
    public func nextHeldRelease() async throws(StateStoreError) -> Date? {
        try await read { connection, logger in
            let rows = try await connection.query("SELECT MIN(not_before) FROM intent WHERE status = 'held'", logger: logger)
            return try await rows.all(Int64?.self).first?.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        }
    }

    /// Messages pending, dead-lettered, and intents held.
    public func outboxDepth() async throws(StateStoreError) -> OutboxDepth {
        try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending'), (SELECT COUNT(*) FROM outbox WHERE status = 'dead'),
                    (SELECT COUNT(*) FROM intent WHERE status = 'held')
                """, logger: logger)
            var depth = OutboxDepth(pending: 0, dead: 0, held: 0)
            for try await (pending, dead, held) in rows.decode((Int, Int, Int).self) {
                depth = OutboxDepth(pending: pending, dead: dead, held: held)
            }
            return depth
        }
    }

    /// PostgreSQL needs no tidying after a tick.
    public func checkpointLater() {}
}
