public import Foundation
import PostgresNIO
public import SLAEngine

/// Acknowledgements, snoozes and silences in a shared state. Any daemon records them, a
/// standby included: they are what people said, not deliveries, so they are not fenced.
/// Each one also notifies `answersChannel` when its transaction commits, so the leading
/// daemon acts on it at once (`listenForAnswers`), whichever daemon's listener took it.
extension PostgresStateStore: HoldLog, SilenceLog {
    /// The `NOTIFY` channel of answers and silences.
    static let answersChannel = "slawatch_answers"
    /// Advisory lock class of one clock's holds (the object is the clock key's hash): two
    /// daemons taking the same answer at once record it once.
    static let holdLockClass: Int32 = 0x534C_4148

    public func recordHold(_ request: HoldRequest) async throws(StateStoreError) -> HoldOutcome {
        let key = request.clockKey
        let at = Int64(request.hold.at.timeIntervalSince1970), until = Int64(request.hold.until.timeIntervalSince1970)
        let notice = AnswerNotice.hold(source: request.source, ticketID: request.ticketID, kind: request.hold.kind).payload
        return try await write(fencing: false) { connection, logger in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresStateStore.holdLockClass), hashtext(\(key)))", logger: logger)
            let standing = try await connection.query("""
                SELECT kind, by_name, at, until FROM clock_hold WHERE clock_key = \(key) AND until > \(at) ORDER BY at DESC LIMIT 1
                """, logger: logger)
            for try await (kind, by, since, end) in standing.decode((String, String, Int64, Int64).self) {
                if let hold = PostgresStateStore.hold(kind: kind, by: by, at: since, until: end) { return .already(hold) }
            }
            try await connection.query("""
                INSERT INTO clock_hold (clock_key, source, ticket_id, metric, cycle, kind, by_name, via, at, until)
                VALUES (\(key), \(request.source), \(request.ticketID), \(request.metric.rawValue), \(request.cycle),
                    \(request.hold.kind.rawValue), \(request.hold.by), \(request.via), \(at), \(until))
                """, logger: logger)
            try await connection.query("SELECT pg_notify(\(PostgresStateStore.answersChannel), \(notice))", logger: logger)
            return .recorded(request.hold)
        }
    }

    public func holds(ticketID: String) async throws(StateStoreError) -> [(clockKey: String, hold: ClockHold, via: String)] {
        try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT clock_key, kind, by_name, at, until, via FROM clock_hold WHERE ticket_id = \(ticketID) ORDER BY at, id
                """, logger: logger)
            var holds: [(clockKey: String, hold: ClockHold, via: String)] = []
            for try await (key, kind, by, at, until, via) in rows.decode((String, String, String, Int64, Int64, String).self) {
                if let hold = PostgresStateStore.hold(kind: kind, by: by, at: at, until: until) { holds.append((key, hold, via)) }
            }
            return holds
        }
    }

    static func hold(kind: String, by: String, at: Int64, until: Int64) -> ClockHold? {
        ClockHold.Kind(rawValue: kind).map {
            ClockHold(kind: $0, by: by, at: Date(timeIntervalSince1970: TimeInterval(at)), until: Date(timeIntervalSince1970: TimeInterval(until)))
        }
    }

    // MARK: Silences

    public func recordSilence(_ silence: Silence) async throws(StateStoreError) {
        let matchers = StateStore.matchersText(silence.matchers)
        let starts = Int64(silence.startsAt.timeIntervalSince1970), ends = Int64(silence.endsAt.timeIntervalSince1970.rounded(.up))
        try await write(fencing: false) { connection, logger in
            try await connection.query("""
                INSERT INTO silence (id, matchers, breaches, reason, created_by, starts_at, ends_at)
                VALUES (\(silence.id), \(matchers), \(silence.mutesBreaches ? 1 : 0), \(silence.reason), \(silence.createdBy),
                    \(starts), \(ends))
                """, logger: logger)
            try await connection.query(
                "SELECT pg_notify(\(PostgresStateStore.answersChannel), \(AnswerNotice.silences.payload))", logger: logger)
        }
    }

    public func silences(endingAfter instant: Date) async throws(StateStoreError) -> [Silence] {
        let after = Int64(instant.timeIntervalSince1970.rounded(.down))
        return try await read { connection, logger in
            try await PostgresStateStore.silences(
                connection.query("\(unescaped: PostgresStateStore.silenceColumns) WHERE ends_at > \(after) ORDER BY starts_at DESC, id", logger: logger))
        }
    }

    public func expireSilence(id: String, at now: Date) async throws(StateStoreError) -> (silence: Silence, expired: Bool)? {
        let end = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await write(fencing: false) { connection, logger in
            let ended = try await connection.query(
                "UPDATE silence SET ends_at = \(end) WHERE id = \(id) AND ends_at > \(end) RETURNING id", logger: logger).all(String.self)
            if !ended.isEmpty {
                try await connection.query(
                    "SELECT pg_notify(\(PostgresStateStore.answersChannel), \(AnswerNotice.silences.payload))", logger: logger)
            }
            let found = try await PostgresStateStore.silences(
                connection.query("\(unescaped: PostgresStateStore.silenceColumns) WHERE id = \(id)", logger: logger))
            return found.first.map { ($0, !ended.isEmpty) }
        }
    }

    public func silencedMessages(since: Date, until: Date) async throws(StateStoreError) -> [(reason: String, count: Int)] {
        let from = Int64(since.timeIntervalSince1970.rounded(.down)), to = Int64(until.timeIntervalSince1970.rounded(.up))
        return try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT coalesce(reason, 'silence'), count(*) AS n FROM intent
                WHERE status = 'silenced' AND created_at >= \(from) AND created_at < \(to)
                GROUP BY reason ORDER BY n DESC, reason
                """, logger: logger)
            var counts: [(reason: String, count: Int)] = []
            for try await (reason, count) in rows.decode((String, Int64).self) { counts.append((reason, Int(count))) }
            return counts
        }
    }

    private static let silenceColumns = "SELECT id, matchers, breaches, reason, created_by, starts_at, ends_at FROM silence"

    private static func silences(_ rows: PostgresRowSequence) async throws -> [Silence] {
        var silences: [Silence] = []
        for try await (id, text, breaches, reason, by, starts, ends) in rows.decode((String, String, Int32, String, String?, Int64, Int64).self) {
            guard let matchers = StateStore.matchers(text) else { continue }
            silences.append(Silence(
                id: id, matchers: matchers, mutesBreaches: breaches != 0, reason: reason, createdBy: by,
                startsAt: Date(timeIntervalSince1970: TimeInterval(starts)), endsAt: Date(timeIntervalSince1970: TimeInterval(ends))))
        }
        return silences
    }
}
