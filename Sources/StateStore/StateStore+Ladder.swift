public import Foundation
import GRDB
public import SLAEngine
import Synchronization

extension StateStore {
    /// What earlier ticks recorded, by clock key.
    ///
    /// A withdrawn intent counts as fired (its step never fires again) but not as sent, so
    /// it is reported as skipped.
    public func ladderHistory() throws(StateStoreError) -> LadderHistory {
        if let cached = cache.withLock({ $0.ladder }) { return cached }
        let loaded = try read { db in
            var history = LadderHistory()
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM intent") ?? 0
            history.reserveCapacity(clocks: count, records: count)
            let rows = try Row.fetchCursor(db, sql: "SELECT clock_key, step, channel, kind, status, role FROM intent")
            while let row = try rows.next() {
                let status: String = row["status"]
                history.append(LadderRecord(
                    step: row["step"], channel: row["channel"],
                    kind: status == "withdrawn" ? .skipped : Intent.Kind(rawValue: row["kind"]) ?? .skipped,
                    isHeld: status == "held", isSilenced: status == "silenced",
                    role: (row["role"] as String?).flatMap(Role.init(rawValue:))
                ), to: row["clock_key"])
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

    /// Moves the end of the hold of the intents held on each channel of `releases`. An
    /// intent held without an end (no message carried it) is not quiet hours' to move.
    public func rescheduleHeld(_ releases: [String: Date]) throws(StateStoreError) -> Int {
        guard !releases.isEmpty else { return 0 }
        return try write { db in
            var moved = 0
            for (channel, release) in releases.sorted(by: { $0.key < $1.key }) {
                let at = Int64(release.timeIntervalSince1970)
                try db.execute(
                    sql: "UPDATE intent SET not_before = ? WHERE status = 'held' AND channel = ? AND not_before <> ?",
                    arguments: [at, channel, at])
                moved += db.changesCount
            }
            return moved
        }
    }

    /// A risk's intent keeps the risk's name where a clock's keeps its metric.
    private static func intent(_ row: Row) -> Intent? {
        let notBefore = (row["not_before"] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        // `ticket_id` holds the ticket key.
        let ticket = TicketKey.split(row["ticket_id"])
        if let risk = RiskKind(rawValue: row["metric"]) {
            return Intent(
                ticketID: ticket.id, source: ticket.source, risk: risk, occurrence: row["cycle"], channel: row["channel"],
                role: (row["role"] as String?).flatMap(Role.init(rawValue:)), isLate: row["late"], notBefore: notBefore,
                reason: row["reason"]
            )
        }
        guard let metric = Metric(rawValue: row["metric"]), let kind = Intent.Kind(rawValue: row["kind"]) else { return nil }
        return Intent(
            ticketID: ticket.id, source: ticket.source, metric: metric, cycle: row["cycle"], step: row["step"], kind: kind,
            channel: row["channel"], role: (row["role"] as String?).flatMap(Role.init(rawValue:)),
            isLate: row["late"], notBefore: (row["not_before"] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) },
            template: row["template"], reason: row["reason"]
        )
    }

    /// Writes one tick's decisions and the messages that carry them, atomically.
    ///
    /// The cached ladder history takes the new intents on another core while SQLite writes
    /// them: it is taken out of the cache meanwhile, and put back only once the transaction
    /// has committed; after a failed one it stays out, and the next read loads the table.
    @discardableResult
    public func commit(_ tick: TickCommit) throws(StateStoreError) -> Committed {
        let now = Int64(tick.at.timeIntervalSince1970)
        // Encoded before the transaction, on every core (it is pure, and most of a large
        // commit's time), unless the tick encoded them while the part before was written.
        let encoded = if let encoded = tick.encoded { encoded } else { try StateStore.encode(tick.messages) }
        _ = try ladderHistory()
        let rows = SortedIntents(tick)
        let ladder = LadderUpdate(taking: cache.withLock { $0.takeLadder() }, adding: rows, of: tick)
        // Changes to intents already recorded, applied to the history once the transaction has committed.
        var changed: [(clockKey: String, step: String, channel: String?, change: RecordChange)] = []
        var messagesAreNew = false
        do {
            try write { db in
                var insert = try RowWriter(db, sql: """
                    INSERT OR IGNORE INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, role,
                        late, template, reason, status, not_before, message_key, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                // Ids are made row by row, as they are bound, so a large commit holds none of them.
                try tick.intents.withUnsafeBufferPointer { intents in
                    for position in rows.order {
                        let intent = intents[position]
                        insert.bind(Intent.id(clockKey: rows.clockKeys[position], step: intent.step, channel: intent.channel))
                        insert.bind(rows.clockKeys[position])
                        insert.bind(intent.ticketKey)
                        insert.bind(intent.metric?.rawValue ?? intent.risk?.rawValue)
                        insert.bind(intent.cycle)
                        insert.bind(intent.step)
                        insert.bind(intent.kind.rawValue)
                        insert.bind(intent.channel)
                        insert.bind(intent.role?.rawValue)
                        insert.bind(intent.isLate)
                        insert.bind(intent.template)
                        insert.bind(intent.mutedBy.map(StateStore.silencedReason) ?? intent.reason)
                        insert.bind(tick.status(at: position))
                        insert.bind(intent.notBefore.map { Int64($0.timeIntervalSince1970) })
                        insert.bind(tick.messageKey(at: position))
                        insert.bind(now)
                        try insert.addRow()
                    }
                    try insert.finish()
                }
                // Held by quiet hours, or muted and now sent as a silence's catch-up.
                for (id, messageKey) in tick.released {
                    try db.execute(
                        sql: "UPDATE intent SET status = 'queued', message_key = ? WHERE id = ? AND status IN ('held', 'silenced')",
                        arguments: [messageKey, id]
                    )
                    guard db.changesCount == 1, let row = try StateStore.intentRow(id, db: db) else { continue }
                    changed.append((row.0, row.1, row.2, .released))
                }
                for id in tick.withdrawn {
                    try db.execute(sql: "UPDATE intent SET status = 'withdrawn' WHERE id = ? AND status = 'held'", arguments: [id])
                    guard db.changesCount == 1, let row = try StateStore.intentRow(id, db: db) else { continue }
                    changed.append((row.0, row.1, row.2, .withdrawn))
                }
                for (id, silence) in tick.muted {
                    try db.execute(
                        sql: "UPDATE intent SET status = 'silenced', reason = ? WHERE id = ? AND status = 'held'",
                        arguments: [StateStore.silencedReason(silence), id])
                    guard db.changesCount == 1, let row = try StateStore.intentRow(id, db: db) else { continue }
                    changed.append((row.0, row.1, row.2, .muted))
                }
                var enqueue = try RowWriter(db, sql: """
                    INSERT OR IGNORE INTO outbox (key, channel, message, status, attempts, next_attempt_at, created_at)
                    VALUES (?, ?, ?, 'pending', 0, ?, ?)
                    """)
                let before = db.totalChangesCount
                for (message, data) in zip(tick.messages, encoded) {
                    enqueue.bind(message.key)
                    enqueue.bind(message.channel)
                    enqueue.bind(data)
                    enqueue.bind(now)
                    enqueue.bind(now)
                    try enqueue.addRow()
                }
                try enqueue.finish()
                // A key already in the outbox is ignored, and leaves the count short.
                messagesAreNew = db.totalChangesCount - before == tick.messages.count
                try StateStore.write(tick.surges, db: db)
            }
        } catch {
            _ = ladder.wait()
            throw error
        }
        var history = ladder.wait()
        for (key, step, channel, change) in changed {
            history?.update(key, step: step, channel: channel) { status in
                status.isHeld = false
                switch change {
                case .released: status.isSilenced = false
                case .withdrawn: status.kind = .skipped
                case .muted: status.isSilenced = true
                }
            }
        }
        cache.withLock { $0.ladder = history }
        return Committed(messagesAreNew: messagesAreNew)
    }

    /// What became of an intent already recorded.
    private enum RecordChange {
        /// Held or muted, now sent.
        case released
        /// Held, no longer wanted.
        case withdrawn
        /// Held, then muted by a silence when its quiet hours ended.
        case muted
    }

    /// The `reason` of a muted intent: which silence, and why.
    static func silencedReason(_ silence: Silence) -> String {
        "silence \(silence.id): \(silence.reason)"
    }

    /// The clock key, step and channel of intent `id`.
    private static func intentRow(_ id: String, db: Database) throws -> (String, String, String?)? {
        try Row.fetchOne(db, sql: "SELECT clock_key, step, channel FROM intent WHERE id = ?", arguments: [id])
            .map { ($0["clock_key"], $0["step"], $0["channel"]) }
    }
}

extension StateStore {
    /// Messages encoded per part; a smaller set is encoded in one.
    static let messagesPerPart = 512

    /// The outbox form of each message (`OutboxJSON`), in order, encoded on every core.
    static func encode(_ messages: [OutboundMessage]) throws(StateStoreError) -> [Data] {
        let parts = (messages.count + messagesPerPart - 1) / messagesPerPart
        let encoded = Mutex<[Int: [Data]]>([:])
        let failed = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let encoder = JSONEncoder()
            do {
                let chunk = try messages[part * messagesPerPart..<min(messages.count, (part + 1) * messagesPerPart)].map { message in
                    try OutboxJSON.encode(message) ?? encoder.encode(message)
                }
                encoded.withLock { $0[part] = chunk }
            } catch {
                failed.withLock { $0 = error }
            }
        }
        if let error = failed.withLock({ $0 }) {
            throw StateStoreError(.failed, "a message could not be encoded for the outbox: \(error)")
        }
        return encoded.withLock { parts in (0..<parts.count).flatMap { parts[$0]! } }
    }
}
