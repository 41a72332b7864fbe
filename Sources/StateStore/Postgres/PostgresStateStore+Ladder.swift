public import Foundation
import PostgresNIO
public import SLAEngine

extension PostgresStateStore {
    /// What earlier ticks recorded, by clock key; read once, then kept in memory.
    public func ladderHistory() async throws(StateStoreError) -> LadderHistory {
        if let cached = cache.withLock({ $0.ladder }) { return cached }
        let loaded = try await readAtLength { connection, logger, progress in
            var history = LadderHistory()
            let rows = try await connection.query("SELECT clock_key, step, channel, kind, status, role FROM intent", logger: logger)
            var count = 0
            for try await (clockKey, step, channel, kind, status, role) in rows.decode((String, String, String?, String, String, String?).self) {
                count += 1
                if count % PostgresStateStore.rowsPerMark == 0 { progress.mark() }
                history.append(LadderRecord(
                    step: step, channel: channel,
                    kind: status == "withdrawn" ? .skipped : Intent.Kind(rawValue: kind) ?? .skipped, isHeld: status == "held",
                    isSilenced: status == "silenced", role: role.flatMap(Role.init(rawValue:))), to: clockKey)
            }
            return history
        }
        cache.withLock { $0.ladder = $0.ladder ?? loaded }
        return cache.withLock { $0.ladder! }
    }

    /// Held intents whose quiet hours have ended by `now`.
    public func heldIntents(dueBy now: Date) async throws(StateStoreError) -> [Intent] {
        let limit = Int64(now.timeIntervalSince1970)
        return try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT ticket_id, metric, cycle, step, kind, channel, role, late, not_before, template, reason
                FROM intent WHERE status = 'held' AND not_before <= \(limit) ORDER BY created_at, id
                """, logger: logger)
            var intents: [Intent] = []
            for try await (key, metric, cycle, step, kind, channel, role, late, notBefore, template, reason) in rows.decode(
                (String, String, Int, String, String, String?, String?, Bool, Int64?, String?, String?).self
            ) {
                // `ticket_id` holds the ticket key; a risk's intent keeps the risk's name where a clock's keeps its metric.
                let ticket = TicketKey.split(key)
                let notBefore = notBefore.map { Date(timeIntervalSince1970: TimeInterval($0)) }
                if let risk = RiskKind(rawValue: metric) {
                    intents.append(Intent(
                        ticketID: ticket.id, source: ticket.source, risk: risk, occurrence: cycle, channel: channel,
                        role: role.flatMap(Role.init(rawValue:)), isLate: late, notBefore: notBefore, reason: reason))
                    continue
                }
                guard let metric = Metric(rawValue: metric), let kind = Intent.Kind(rawValue: kind) else { continue }
                intents.append(Intent(
                    ticketID: ticket.id, source: ticket.source, metric: metric, cycle: cycle, step: step, kind: kind, channel: channel,
                    role: role.flatMap(Role.init(rawValue:)), isLate: late, notBefore: notBefore, template: template, reason: reason))
            }
            return intents
        }
    }

    /// Moves the end of the hold of the intents held on each channel of `releases`, while
    /// this daemon leads.
    public func rescheduleHeld(_ releases: [String: Date]) async throws(StateStoreError) -> Int {
        guard !releases.isEmpty else { return 0 }
        let channels = Array(releases.keys)
        let instants = channels.map { Int64(releases[$0]!.timeIntervalSince1970) }
        return try await write { connection, logger in
            let rows = try await connection.query("""
                UPDATE intent SET not_before = r.at FROM unnest(\(channels)::text[], \(instants)::int8[]) AS r(channel, at)
                WHERE intent.status = 'held' AND intent.channel = r.channel AND intent.not_before <> r.at
                RETURNING intent.id
                """, logger: logger)
            return try await rows.all(String.self).count
        }
    }

    /// Writes one tick's decisions and the messages that carry them, in one transaction
    /// that holds only while this daemon leads. Rows go in as arrays, one statement a table.
    @discardableResult
    public func commit(_ tick: TickCommit) async throws(StateStoreError) -> Committed {
        let now = Int64(tick.at.timeIntervalSince1970)
        let encoded = if let encoded = tick.encoded { encoded } else { try StateStore.encode(tick.messages) }
        _ = try await ladderHistory()
        var rows = IntentRows(capacity: tick.intents.count)
        var added: [(clockKey: String, record: LadderRecord)] = []
        added.reserveCapacity(tick.intents.count)
        for (position, intent) in tick.intents.enumerated() {
            let clockKey = intent.clockKey
            var row = intent
            // A muted intent counts as fired, recorded with the silence that muted it.
            if let muted = intent.mutedBy { row.reason = StateStore.silencedReason(muted) }
            rows.append(row, clockKey: clockKey, status: tick.status(at: position), messageKey: tick.messageKey(at: position))
            added.append((clockKey, tick.ladderRecord(at: position)))
        }
        let muted = (ids: tick.muted.map(\.id), reasons: tick.muted.map { StateStore.silencedReason($0.silence) })
        let messages = MessageRows(tick.messages, encoded)
        let released = (ids: tick.released.map(\.id), keys: tick.released.map(\.messageKey))
        let withdrawn = tick.withdrawn
        let surges = tick.surges
        let intents = rows
        let changed = try await write { connection, logger -> [(String, String, String?, Bool)] in
            try await connection.insert(
                intents.ids.count, into: "intent", copying: { intents.copy(createdAt: now) }, otherwise: { intents.insert(createdAt: now) },
                logger: logger)
            var changed: [(String, String, String?, Bool)] = []
            if !released.ids.isEmpty {
                let result = try await connection.query("""
                    UPDATE intent SET status = 'queued', message_key = r.message_key
                    FROM unnest(\(released.ids)::text[], \(released.keys)::text[]) AS r(id, message_key)
                    WHERE intent.id = r.id AND intent.status IN ('held', 'silenced') RETURNING intent.clock_key, intent.step, intent.channel
                    """, logger: logger)
                for try await (key, step, channel) in result.decode((String, String, String?).self) { changed.append((key, step, channel, false)) }
            }
            // Held by quiet hours, then muted by a silence when they ended.
            if !muted.ids.isEmpty {
                try await connection.query("""
                    UPDATE intent SET status = 'silenced', reason = m.reason
                    FROM unnest(\(muted.ids)::text[], \(muted.reasons)::text[]) AS m(id, reason)
                    WHERE intent.id = m.id AND intent.status = 'held'
                    """, logger: logger)
            }
            if !withdrawn.isEmpty {
                let result = try await connection.query("""
                    UPDATE intent SET status = 'withdrawn' WHERE id = ANY(\(withdrawn)::text[]) AND status = 'held'
                    RETURNING clock_key, step, channel
                    """, logger: logger)
                for try await (key, step, channel) in result.decode((String, String, String?).self) { changed.append((key, step, channel, true)) }
            }
            try await connection.insert(
                messages.keys.count, into: "outbox", copying: { messages.copy(at: now) }, otherwise: { messages.insert(at: now) },
                logger: logger)
            try await PostgresStateStore.write(surges, on: connection, logger: logger)
            return changed
        }
        cache.withLock { cache in
            guard cache.ladder != nil else { return }
            for (key, record) in added { cache.ladder!.record(record, for: key) }
            for (key, step, channel, withdrawn) in changed {
                cache.ladder!.update(key, step: step, channel: channel) { status in
                    status.isHeld = false
                    status.isSilenced = false
                    if withdrawn { status.kind = .skipped }
                }
            }
            // Muted after a hold (rare): read back from the table next time.
            if !muted.ids.isEmpty { cache.ladder = nil }
        }
        // Claims here stand for leadership: every message is claimed before it is attempted.
        return Committed(messagesAreNew: false)
    }
}

/// A tick's intents as one array per column, for one `INSERT … SELECT FROM unnest(…)`;
/// a column that may be null has a second array that says where.
struct IntentRows: Sendable {
    var ids: [String] = [], clockKeys: [String] = [], tickets: [String] = [], metrics: [String] = [], cycles: [Int64] = []
    var steps: [String] = [], kinds: [String] = [], late: [Bool] = [], statuses: [String] = []
    var channels = NullableText(), roles = NullableText(), templates = NullableText(), reasons = NullableText()
    var messageKeys = NullableText()
    var notBefore: [Int64] = [], notBeforeNull: [Bool] = []

    init(capacity: Int) {
        ids.reserveCapacity(capacity)
        clockKeys.reserveCapacity(capacity)
    }

    mutating func append(_ intent: Intent, clockKey: String, status: String, messageKey: String?) {
        ids.append(Intent.id(clockKey: clockKey, step: intent.step, channel: intent.channel))
        clockKeys.append(clockKey)
        tickets.append(intent.ticketKey)
        metrics.append(intent.metric?.rawValue ?? intent.risk?.rawValue ?? "")
        cycles.append(Int64(intent.cycle))
        steps.append(intent.step)
        kinds.append(intent.kind.rawValue)
        late.append(intent.isLate)
        statuses.append(status)
        channels.append(intent.channel)
        roles.append(intent.role?.rawValue)
        templates.append(intent.template)
        reasons.append(intent.reason)
        messageKeys.append(messageKey)
        notBefore.append(intent.notBefore.map { Int64($0.timeIntervalSince1970) } ?? 0)
        notBeforeNull.append(intent.notBefore == nil)
    }

    func copy(createdAt: Int64) -> CopyRows {
        var rows = CopyRows(
            columns: ["id", "clock_key", "ticket_id", "metric", "cycle", "step", "kind", "channel", "role", "late", "template", "reason",
                      "status", "not_before", "message_key", "created_at"],
            capacity: ids.count)
        for index in ids.indices {
            rows.text(ids[index])
            rows.text(clockKeys[index])
            rows.text(tickets[index])
            rows.text(metrics[index])
            rows.number(cycles[index])
            rows.text(steps[index])
            rows.text(kinds[index])
            rows.text(channels[index])
            rows.text(roles[index])
            rows.bool(late[index])
            rows.text(templates[index])
            rows.text(reasons[index])
            rows.text(statuses[index])
            rows.number(notBeforeNull[index] ? nil : notBefore[index])
            rows.text(messageKeys[index])
            rows.number(createdAt)
            rows.endRow()
        }
        return rows
    }

    func insert(createdAt: Int64) -> PostgresQuery {
        """
        INSERT INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, role, late, template, reason,
            status, not_before, message_key, created_at)
        SELECT id, clock_key, ticket_id, metric, cycle, step, kind, CASE WHEN channel_null THEN NULL ELSE channel END,
            CASE WHEN role_null THEN NULL ELSE role END, late, CASE WHEN template_null THEN NULL ELSE template END,
            CASE WHEN reason_null THEN NULL ELSE reason END, status, CASE WHEN not_before_null THEN NULL ELSE not_before END,
            CASE WHEN message_key_null THEN NULL ELSE message_key END, \(createdAt)
        FROM unnest(\(ids)::text[], \(clockKeys)::text[], \(tickets)::text[], \(metrics)::text[], \(cycles)::int8[],
            \(steps)::text[], \(kinds)::text[], \(channels.values)::text[], \(channels.nulls)::bool[], \(roles.values)::text[],
            \(roles.nulls)::bool[], \(late)::bool[], \(templates.values)::text[], \(templates.nulls)::bool[],
            \(reasons.values)::text[], \(reasons.nulls)::bool[], \(statuses)::text[], \(notBefore)::int8[], \(notBeforeNull)::bool[],
            \(messageKeys.values)::text[], \(messageKeys.nulls)::bool[])
            AS t(id, clock_key, ticket_id, metric, cycle, step, kind, channel, channel_null, role, role_null, late, template,
                template_null, reason, reason_null, status, not_before, not_before_null, message_key, message_key_null)
        ON CONFLICT (id) DO NOTHING
        """
    }
}

/// A text column that may be null, as two arrays: the values (empty for null) and where null.
struct NullableText: Sendable {
    var values: [String] = []
    var nulls: [Bool] = []

    mutating func append(_ value: String?) {
        values.append(value ?? "")
        nulls.append(value == nil)
    }

    subscript(index: Int) -> String? { nulls[index] ? nil : values[index] }
}

/// Outbox rows, the messages as the JSON text the SQLite outbox holds as a blob.
struct MessageRows: Sendable {
    var keys: [String] = [], channels: [String] = [], bodies: [String] = []

    init(_ messages: [OutboundMessage], _ encoded: [Data]) {
        for (message, data) in zip(messages, encoded) {
            keys.append(message.key)
            channels.append(message.channel)
            bodies.append(String(decoding: data, as: UTF8.self))
        }
    }

    func copy(at now: Int64) -> CopyRows {
        var rows = CopyRows(
            columns: ["key", "channel", "message", "status", "attempts", "next_attempt_at", "created_at"], capacity: keys.count)
        for index in keys.indices {
            rows.text(keys[index])
            rows.text(channels[index])
            rows.bytes(bodies[index].utf8)
            rows.text("pending")
            rows.number(0)
            rows.number(now)
            rows.number(now)
            rows.endRow()
        }
        return rows
    }

    func insert(at now: Int64) -> PostgresQuery {
        """
        INSERT INTO outbox (key, channel, message, status, attempts, next_attempt_at, created_at)
        SELECT key, channel, convert_to(body, 'UTF8'), 'pending', 0, \(now), \(now)
        FROM unnest(\(keys)::text[], \(channels)::text[], \(bodies)::text[]) AS t(key, channel, body)
        ON CONFLICT (key) DO NOTHING
        """
    }
}
