public import Foundation
import GRDB
public import SLAEngine

extension StateStore {
    /// What earlier ticks recorded, by clock key.
    ///
    /// A withdrawn intent counts as fired (its step never fires again) but not as sent, so
    /// it is reported as skipped.
    public func ladderHistory() throws(StateStoreError) -> [String: [LadderRecord]] {
        if let cached = cache.withLock({ $0.ladder }) { return cached }
        let loaded = try read { db in
            var history: [String: [LadderRecord]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT clock_key, step, channel, kind, status FROM intent")
            while let row = try rows.next() {
                let status: String = row["status"]
                history[row["clock_key"], default: []].append(LadderRecord(
                    step: row["step"], channel: row["channel"],
                    kind: status == "withdrawn" ? .skipped : Intent.Kind(rawValue: row["kind"]) ?? .skipped,
                    isHeld: status == "held"
                ))
            }
            return history
        }
        cache.withLock { $0.ladder = loaded }
        return loaded
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
        _ = try ladderHistory()
        var known: Set<String>
        if let cached = cache.withLock({ $0.breached }) {
            known = cached
        } else {
            known = try read { db in Set(try String.fetchAll(db, sql: "SELECT clock_key FROM breach")) }
        }
        // A clock breaches once; only new ones are written.
        var newBreaches: [(clockKey: String, record: BreachRecord)] = []
        known.reserveCapacity(known.count + tick.breaches.count)
        for breach in tick.breaches {
            let clockKey = ClockKey.make(breach.ticketID, breach.metric, breach.cycle)
            if known.insert(clockKey).inserted { newBreaches.append((clockKey, breach)) }
        }
        // Changes to the cached history, applied once the transaction has committed.
        var added: [(clockKey: String, record: LadderRecord)] = []
        var changed: [(clockKey: String, step: String, channel: String?, withdrawn: Bool)] = []
        try write { db in
            var insert = try RowWriter(db, sql: """
                INSERT OR IGNORE INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, role,
                    late, template, reason, status, not_before, message_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // In key order: SQLite appends to its index instead of inserting all over it,
            // which halves the cost of a large catch-up. Positions are sorted, not intents.
            let ids = tick.intents.map(\.id)
            for position in ids.indices.sorted(by: { ids[$0] < ids[$1] }) {
                let (id, n) = (ids[position], tick.intents[position])
                let messageKey = position < tick.messageKeys.count ? tick.messageKeys[position] : nil
                let status = n.kind == .skipped ? "skipped" : messageKey == nil ? "held" : "queued"
                let clockKey = n.clockKey
                added.append((clockKey, LadderRecord(step: n.step, channel: n.channel, kind: n.kind, isHeld: status == "held")))
                try insert.bind(id)
                try insert.bind(clockKey)
                try insert.bind(n.ticketID)
                try insert.bind(n.metric.rawValue)
                try insert.bind(n.cycle)
                try insert.bind(n.step)
                try insert.bind(n.kind.rawValue)
                try insert.bind(n.channel)
                try insert.bind(n.role?.rawValue)
                try insert.bind(n.isLate)
                try insert.bind(n.template)
                try insert.bind(n.reason)
                try insert.bind(status)
                try insert.bind(n.notBefore.map { Int64($0.timeIntervalSince1970) })
                try insert.bind(messageKey)
                try insert.bind(now)
                try insert.run()
            }
            for (id, messageKey) in tick.released {
                try db.execute(
                    sql: "UPDATE intent SET status = 'queued', message_key = ? WHERE id = ? AND status = 'held'",
                    arguments: [messageKey, id]
                )
                if let row = try StateStore.intentRow(id, db: db) { changed.append((row.0, row.1, row.2, false)) }
            }
            for id in tick.withdrawn {
                try db.execute(sql: "UPDATE intent SET status = 'withdrawn' WHERE id = ? AND status = 'held'", arguments: [id])
                guard db.changesCount == 1, let row = try StateStore.intentRow(id, db: db) else { continue }
                changed.append((row.0, row.1, row.2, true))
            }
            let enqueue = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO outbox (key, channel, message, status, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, 'pending', 0, ?, ?)
                """)
            for message in tick.messages {
                try enqueue.execute(arguments: [message.key, message.channel, try encoder.encode(message), now, now])
            }
            var breach = try RowWriter(db, sql: "INSERT OR IGNORE INTO breach (clock_key, customer_id, ticket_id, at) VALUES (?, ?, ?, ?)")
            for (clockKey, b) in newBreaches.sorted(by: { $0.clockKey < $1.clockKey }) {
                try breach.bind(clockKey)
                try breach.bind(b.customerID)
                try breach.bind(b.ticketID)
                try breach.bind(Int64(b.at.timeIntervalSince1970))
                try breach.run()
            }
        }
        cache.withLock { cache in
            cache.breached = known
            for (key, record) in added { cache.ladder![key, default: []].append(record) }
            for (key, step, channel, withdrawn) in changed {
                guard let index = cache.ladder![key]?.firstIndex(where: { $0.step == step && $0.channel == channel }) else { continue }
                cache.ladder![key]![index].isHeld = false
                if withdrawn { cache.ladder![key]![index].kind = .skipped }
            }
        }
    }

    /// The clock key, step and channel of intent `id`.
    private static func intentRow(_ id: String, db: Database) throws -> (String, String, String?)? {
        try Row.fetchOne(db, sql: "SELECT clock_key, step, channel FROM intent WHERE id = ?", arguments: [id])
            .map { ($0["clock_key"], $0["step"], $0["channel"]) }
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
