public import Foundation
import GRDB
public import SLAEngine

extension StateStore: OutboxStore {
    public func pendingMessages() throws(StateStoreError) -> [PendingMessage] {
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT message, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY created_at, key
                """).map { row in
                PendingMessage(
                    message: try OutboxJSON.message(from: row["message"] as Data), attempts: row["attempts"],
                    nextAttemptAt: Date(timeIntervalSince1970: TimeInterval(row["next_attempt_at"] as Int64)))
            }
        }
    }

    public func pendingKeys() throws(StateStoreError) -> [PendingKey] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, channel, created_at, attempts, next_attempt_at FROM outbox WHERE status = 'pending' ORDER BY created_at, key
                """).map { row in
                PendingKey(
                    key: row["key"], channel: row["channel"], createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64)),
                    attempts: row["attempts"], nextAttemptAt: Date(timeIntervalSince1970: TimeInterval(row["next_attempt_at"] as Int64)))
            }
        }
    }

    public func enqueue(_ messages: [OutboundMessage]) throws(StateStoreError) {
        guard !messages.isEmpty else { return }
        try commit(TickCommit(at: messages.map(\.createdAt).max() ?? Date(), messages: messages))
    }

    public func record(_ attempts: [AttemptRecord], outages: [String: ChannelOutage?] = [:]) throws(StateStoreError) {
        guard !attempts.isEmpty || !outages.isEmpty else { return }
        let narrowed = try StateStore.encode(attempts.compactMap(\.next))
        try write { db in
            let replace = try db.cachedStatement(sql: "UPDATE outbox SET message = ? WHERE key = ? AND status = 'pending'")
            for (message, data) in zip(attempts.compactMap(\.next), narrowed) {
                try replace.execute(arguments: [data, message.key])
            }
            let delivered = try db.cachedStatement(sql: StateStore.deliveredQuery)
            let failed = try db.cachedStatement(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, status = ?, next_attempt_at = ?
                WHERE key = ? AND status = 'pending' RETURNING channel
                """)
            // A record for a message no longer pending changes nothing, the log included.
            var log = try RowWriter(db, sql: "INSERT INTO delivery_log (key, channel, at, outcome, detail) VALUES (?, ?, ?, ?, ?)")
            var next = attempts.startIndex
            while next < attempts.endIndex {
                let attempt = attempts[next]
                let at = Int64(attempt.at.timeIntervalSince1970)
                let outcome: String, detail: String?, channel: String?
                switch attempt.result {
                case .delivered(let text):
                    // The run of deliveries with the same instant and detail, a statement's worth.
                    var end = next + 1
                    while end < attempts.endIndex, end - next < StateStore.deliveredPerStatement, attempts[end].result == attempt.result,
                          Int64(attempts[end].at.timeIntervalSince1970) == at { end += 1 }
                    try StateStore.markDelivered(attempts[next..<end].map(\.key), at: at, detail: text, with: delivered, log: &log)
                    next = end
                    continue
                case .retry(let retryAt, let reason, let text):
                    channel = try String.fetchOne(failed, arguments: [text ?? reason, "pending", Int64(retryAt.timeIntervalSince1970), attempt.key])
                    (outcome, detail) = ("retry:\(reason)", text)
                case .dead(let reason, let text):
                    channel = try String.fetchOne(failed, arguments: [text ?? reason, "dead", at, attempt.key])
                    (outcome, detail) = ("dead:\(reason)", text)
                }
                next += 1
                guard let channel else { continue }
                try StateStore.logAttempt(attempt.key, channel: channel, at: at, outcome: outcome, detail: detail, to: &log)
            }
            try log.finish()
            for (channel, outage) in outages {
                if let outage {
                    try db.execute(sql: """
                        INSERT INTO channel_outage (channel, since, dead_letters) VALUES (?, ?, ?)
                        ON CONFLICT(channel) DO UPDATE SET since = excluded.since, dead_letters = excluded.dead_letters
                        """, arguments: [channel, Int64(outage.since.timeIntervalSince1970), outage.deadLetters])
                } else {
                    try db.execute(sql: "DELETE FROM channel_outage WHERE channel = ?", arguments: [channel])
                }
            }
        }
    }

    /// Deliveries marked in one statement: SQLite sets up and ends one statement for them all.
    static let deliveredPerStatement = 16

    /// Marks the messages of `keys` (at most `deliveredPerStatement`) delivered where they
    /// are still pending, and logs each so marked, in their order.
    private static func markDelivered(
        _ keys: [String], at: Int64, detail: String?, with statement: Statement, log: inout RowWriter
    ) throws {
        var arguments: StatementArguments = [at]
        arguments += StatementArguments(keys.map(Optional.some) + repeatElement(nil as String?, count: deliveredPerStatement - keys.count))
        var marked: [String: String] = [:]
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            marked[row[0]] = row[1]
        }
        // A key twice in the run was marked once: logged once, as recording them in turn would.
        for key in keys {
            guard let channel = marked.removeValue(forKey: key) else { continue }
            try logAttempt(key, channel: channel, at: at, outcome: "delivered", detail: detail, to: &log)
        }
    }

    /// One line of the delivery log.
    private static func logAttempt(
        _ key: String, channel: String, at: Int64, outcome: String, detail: String?, to log: inout RowWriter
    ) throws {
        log.bind(key)
        log.bind(channel)
        log.bind(at)
        log.bind(outcome)
        log.bind(detail)
        try log.addRow()
    }

    /// Marks up to `deliveredPerStatement` keys delivered; NULL for the keys a run lacks
    /// matches none. `+status` keeps SQLite looking each key up by key.
    static let deliveredQuery = """
        UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1
        WHERE +status = 'pending' AND key IN (\(Array(repeating: "?", count: deliveredPerStatement).joined(separator: ", ")))
        RETURNING key, channel
        """

    /// The daemon lock makes this daemon the only one: every message still pending is its to
    /// send. The messages of the keys in `reading` are read in the same look-up. Each part's
    /// look-up answers for its own keys alone, and only this daemon's dispatcher changes a
    /// pending row, so the parts need no one snapshot.
    public func claim(_ keys: [String], reading: Set<String>) throws(StateStoreError) -> OutboxClaim {
        guard !keys.isEmpty else { return OutboxClaim(granted: []) }
        return try readStatementByStatement { db in
            var claim = OutboxClaim(granted: [])
            let most = StateStore.claimSizes.last!
            for part in stride(from: 0, to: keys.count, by: most) {
                let chunk = keys[part..<min(keys.count, part + most)]
                let size = StateStore.claimSizes.first { $0 >= chunk.count }!
                let rows = try Row.fetchCursor(
                    db.cachedStatement(sql: StateStore.claimQuery(keys: size)),
                    arguments: StatementArguments(chunk.map(Optional.some) + repeatElement(nil as String?, count: size - chunk.count)))
                while let row = try rows.next() {
                    let key: String = row[0]
                    claim.granted.insert(key)
                    guard reading.contains(key) else { continue }
                    claim.messages[key] = try OutboxJSON.message(from: row[1] as Data)
                }
            }
            return claim
        }
    }

    /// The sizes of a claim's look-up: a claim of up to the last at once binds its keys to
    /// the first size that holds them, and NULL (which matches no key) to the rest, so a
    /// few statements are prepared once and kept, instead of one parsed for every claim
    /// (parsing was a third of a claim's time while a backlog drained).
    static let claimSizes = [1, 8, 64, 500]

    /// Which of `keys` placeholders are still pending. `+status` keeps SQLite looking each
    /// key up by key: for an IN list of more than one key it would otherwise read every
    /// pending row through the status index, once per claim.
    static func claimQuery(keys count: Int) -> String {
        "SELECT key, message FROM outbox WHERE +status = 'pending' AND key IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
    }

    public func channelOutages() throws(StateStoreError) -> [String: ChannelOutage] {
        try read { db in
            var outages: [String: ChannelOutage] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT channel, since, dead_letters FROM channel_outage") {
                outages[row["channel"]] = ChannelOutage(
                    since: Date(timeIntervalSince1970: TimeInterval(row["since"] as Int64)), deadLetters: row["dead_letters"])
            }
            return outages
        }
    }

    /// The earliest instant a held intent's quiet hours end, for the tick's wake-up.
    public func nextHeldRelease() throws(StateStoreError) -> Date? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(not_before) FROM intent WHERE status = 'held'")
                .map { Date(timeIntervalSince1970: TimeInterval($0)) }
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
