public import Foundation
import PostgresNIO
public import SLAEngine

extension PostgresStateStore: ClockOutcomeLog {
    public func recordedOutcomes() async throws(StateStoreError) -> RecordedOutcomes {
        if let cached = cache.withLock({ $0.outcomes }) { return cached }
        let recorded = try await readAtLength { connection, logger, progress in
            var recorded = RecordedOutcomes()
            let rows = try await connection.query("SELECT clock_key, state, due_at, fulfilled_at FROM clock_outcome", logger: logger)
            var count = 0
            for try await (key, state, due, fulfilled) in rows.decode((String, String, Int64?, Int64?).self) {
                count += 1
                if count % PostgresStateStore.rowsPerMark == 0 { progress.mark() }
                guard let state = ClockState(rawValue: state) else { continue }
                recorded.record(clockKey: key, state: state, dueAt: due, fulfilledAt: fulfilled)
            }
            return recorded
        }
        cache.withLock { $0.outcomes = $0.outcomes ?? recorded }
        return recorded
    }

    public func recordOutcomes(_ outcomes: [ClockOutcome], at now: Date) async throws(StateStoreError) {
        guard !outcomes.isEmpty else { return }
        let rows = OutcomeRows(outcomes)
        let recordedAt = Int64(now.timeIntervalSince1970)
        do {
            // Mostly new clocks: a COPY, or the upsert when one is already on record.
            try await write { connection, logger in
                try await connection.insert(
                    rows.keys.count, into: "clock_outcome", copying: { rows.copy(recordedAt: recordedAt) },
                    otherwise: { rows.upsert(recordedAt: recordedAt) }, logger: logger)
            }
        } catch {
            cache.withLock { $0.outcomes = nil }
            throw error
        }
        cache.withLock { $0.record(outcomes) }
    }

    public func clockOutcomes(countingFrom since: Date, until: Date) async throws(StateStoreError) -> [ClockOutcome] {
        let from = Int64(since.timeIntervalSince1970.rounded(.down)), to = Int64(until.timeIntervalSince1970.rounded(.up))
        return try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT source, ticket_id, metric, cycle, state, policy, calendar, target_seconds, started_at, due_at, fulfilled_at,
                    elapsed_seconds, paused_seconds, customer, tier, grp, team, channel, priority
                FROM clock_outcome WHERE (fulfilled_at >= \(from) AND fulfilled_at < \(to)) OR (due_at >= \(from) AND due_at < \(to))
                """, logger: logger)
            func date(_ value: Int64?) -> Date? { value.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
            var outcomes: [ClockOutcome] = []
            for try await (source, ticket, metric, cycle, state, policy, calendar, target, started, due, fulfilled, elapsed, paused,
                           customer, tier, group, team, channel, priority) in rows.decode(
                (String?, String, String, Int, String, String, String, Int64, Int64, Int64?, Int64?, Int64, Int64, String, String?,
                 String?, String?, String?, String).self
            ) {
                guard let metric = Metric(rawValue: metric), let state = ClockState(rawValue: state),
                      let priority = TicketPriority(rawValue: priority) else { continue }
                outcomes.append(ClockOutcome(
                    source: source ?? "", ticketID: ticket, metric: metric, cycle: cycle, state: state, policy: policy, calendar: calendar,
                    targetSeconds: Int(target), startedAt: date(started)!, dueAt: date(due), fulfilledAt: date(fulfilled),
                    elapsedSeconds: Int(elapsed), pausedSeconds: Int(paused), customer: customer, tier: tier, group: group, team: team,
                    channel: channel, priority: priority))
            }
            return outcomes
        }
    }

    /// Which of `keys` the outbox already holds, whatever became of them.
    public func outboxHolds(_ keys: [String]) async throws(StateStoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await read { connection, logger in
            Set(try await connection.query("SELECT key FROM outbox WHERE key = ANY(\(keys)::text[])", logger: logger).all(String.self))
        }
    }
}

/// Clock outcomes as one array per column, for one upsert.
struct OutcomeRows: Sendable {
    var keys: [String] = [], sources = NullableText(), tickets: [String] = [], metrics: [String] = [], cycles: [Int64] = []
    var states: [String] = [], policies: [String] = [], calendars: [String] = [], targets: [Int64] = [], started: [Int64] = []
    var due = NullableNumber(), fulfilled = NullableNumber(), elapsed: [Int64] = [], paused: [Int64] = [], customers: [String] = []
    var tiers = NullableText(), groups = NullableText(), teams = NullableText(), channels = NullableText(), priorities: [String] = []

    init(_ outcomes: [ClockOutcome]) {
        for outcome in outcomes {
            keys.append(outcome.clockKey)
            sources.append(outcome.source)
            tickets.append(outcome.ticketID)
            metrics.append(outcome.metric.rawValue)
            cycles.append(Int64(outcome.cycle))
            states.append(outcome.state.rawValue)
            policies.append(outcome.policy)
            calendars.append(outcome.calendar)
            targets.append(Int64(outcome.targetSeconds))
            started.append(Int64(outcome.startedAt.timeIntervalSince1970))
            due.append(outcome.dueAt.map { Int64($0.timeIntervalSince1970) })
            fulfilled.append(outcome.fulfilledAt.map { Int64($0.timeIntervalSince1970) })
            elapsed.append(Int64(outcome.elapsedSeconds))
            paused.append(Int64(outcome.pausedSeconds))
            customers.append(outcome.customer)
            tiers.append(outcome.tier)
            groups.append(outcome.group)
            teams.append(outcome.team)
            channels.append(outcome.channel)
            priorities.append(outcome.priority.rawValue)
        }
    }

    func copy(recordedAt: Int64) -> CopyRows {
        var rows = CopyRows(
            columns: ["clock_key", "source", "ticket_id", "metric", "cycle", "state", "policy", "calendar", "target_seconds", "started_at",
                      "due_at", "fulfilled_at", "elapsed_seconds", "paused_seconds", "customer", "tier", "grp", "team", "channel",
                      "priority", "recorded_at"],
            capacity: keys.count)
        for index in keys.indices {
            rows.text(keys[index])
            rows.text(sources[index])
            rows.text(tickets[index])
            rows.text(metrics[index])
            rows.number(cycles[index])
            rows.text(states[index])
            rows.text(policies[index])
            rows.text(calendars[index])
            rows.number(targets[index])
            rows.number(started[index])
            rows.number(due[index])
            rows.number(fulfilled[index])
            rows.number(elapsed[index])
            rows.number(paused[index])
            rows.text(customers[index])
            rows.text(tiers[index])
            rows.text(groups[index])
            rows.text(teams[index])
            rows.text(channels[index])
            rows.text(priorities[index])
            rows.number(recordedAt)
            rows.endRow()
        }
        return rows
    }

    func upsert(recordedAt: Int64) -> PostgresQuery {
        """
        INSERT INTO clock_outcome (clock_key, source, ticket_id, metric, cycle, state, policy, calendar, target_seconds, started_at,
            due_at, fulfilled_at, elapsed_seconds, paused_seconds, customer, tier, grp, team, channel, priority, recorded_at)
        SELECT k, CASE WHEN s_n THEN NULL ELSE s END, t, m, c, st, p, cal, tg, sa, CASE WHEN d_n THEN NULL ELSE d END,
            CASE WHEN f_n THEN NULL ELSE f END, e, pa, cu, CASE WHEN ti_n THEN NULL ELSE ti END, CASE WHEN g_n THEN NULL ELSE g END,
            CASE WHEN te_n THEN NULL ELSE te END, CASE WHEN ch_n THEN NULL ELSE ch END, pr, \(recordedAt)
        FROM unnest(\(keys)::text[], \(sources.values)::text[], \(sources.nulls)::bool[], \(tickets)::text[], \(metrics)::text[],
            \(cycles)::int8[], \(states)::text[], \(policies)::text[], \(calendars)::text[], \(targets)::int8[], \(started)::int8[],
            \(due.values)::int8[], \(due.nulls)::bool[], \(fulfilled.values)::int8[], \(fulfilled.nulls)::bool[], \(elapsed)::int8[],
            \(paused)::int8[], \(customers)::text[], \(tiers.values)::text[], \(tiers.nulls)::bool[], \(groups.values)::text[],
            \(groups.nulls)::bool[], \(teams.values)::text[], \(teams.nulls)::bool[], \(channels.values)::text[], \(channels.nulls)::bool[],
            \(priorities)::text[])
            AS r(k, s, s_n, t, m, c, st, p, cal, tg, sa, d, d_n, f, f_n, e, pa, cu, ti, ti_n, g, g_n, te, te_n, ch, ch_n, pr)
        ON CONFLICT (clock_key) DO UPDATE SET source = excluded.source, ticket_id = excluded.ticket_id, metric = excluded.metric,
            cycle = excluded.cycle, state = excluded.state, policy = excluded.policy, calendar = excluded.calendar,
            target_seconds = excluded.target_seconds, started_at = excluded.started_at, due_at = excluded.due_at,
            fulfilled_at = excluded.fulfilled_at, elapsed_seconds = excluded.elapsed_seconds, paused_seconds = excluded.paused_seconds,
            customer = excluded.customer, tier = excluded.tier, grp = excluded.grp, team = excluded.team, channel = excluded.channel,
            priority = excluded.priority, recorded_at = excluded.recorded_at
        """
    }
}

/// A number column that may be null, as two arrays.
struct NullableNumber: Sendable {
    var values: [Int64] = []
    var nulls: [Bool] = []

    mutating func append(_ value: Int64?) {
        values.append(value ?? 0)
        nulls.append(value == nil)
    }

    subscript(index: Int) -> Int64? { nulls[index] ? nil : values[index] }
}
