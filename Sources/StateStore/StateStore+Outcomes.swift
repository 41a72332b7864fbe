public import Foundation
import GRDB
public import SLAEngine

/// Where clock outcomes are kept: what compliance reports read.
public protocol ClockOutcomeLog: Sendable {
    /// What is on record of each clock: a tick records only outcomes that are new or changed.
    func recordedOutcomes() async throws(StateStoreError) -> RecordedOutcomes
    /// Records new outcomes and replaces changed ones (a breach fulfilled, a re-targeted clock).
    func recordOutcomes(_ outcomes: [ClockOutcome], at: Date) async throws(StateStoreError)
    /// The outcomes that may count in [since, until): fulfilled or due in it.
    func clockOutcomes(countingFrom since: Date, until: Date) async throws(StateStoreError) -> [ClockOutcome]
    /// Which of these outbox keys are already queued or sent (scheduled reports ask).
    func outboxHolds(_ keys: [String]) async throws(StateStoreError) -> Set<String>
}

extension StateStore: ClockOutcomeLog {
    public func recordedOutcomes() throws(StateStoreError) -> RecordedOutcomes {
        if let cached = cache.withLock({ $0.outcomes }) { return cached }
        let recorded = try read { db in
            var recorded = RecordedOutcomes()
            recorded.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM clock_outcome") ?? 0)
            let rows = try Row.fetchCursor(db, sql: "SELECT clock_key, state, due_at, fulfilled_at FROM clock_outcome")
            while let row = try rows.next() {
                guard let state = ClockState(rawValue: row["state"]) else { continue }
                recorded.record(clockKey: row["clock_key"], state: state, dueAt: row["due_at"], fulfilledAt: row["fulfilled_at"])
            }
            return recorded
        }
        cache.withLock { $0.outcomes = $0.outcomes ?? recorded }
        return recorded
    }

    public func recordOutcomes(_ outcomes: [ClockOutcome], at now: Date) async throws(StateStoreError) {
        guard !outcomes.isEmpty else { return }
        // In about key order for SQLite, sorting positions rather than copying outcomes; each
        // key is made as its row is bound, so a large tick's outcomes never hold one apiece.
        let order = outcomes.indices.sorted { a, b in ClockOutcome.keyOrder(outcomes[a], outcomes[b]) }
        let recordedAt = Int64(now.timeIntervalSince1970)
        do {
            try await pool.write { db in
                var upsert = try RowWriter(db, sql: """
                    INSERT OR REPLACE INTO clock_outcome (clock_key, source, ticket_id, metric, cycle, state, policy, calendar,
                        target_seconds, started_at, due_at, fulfilled_at, elapsed_seconds, paused_seconds, customer, tier, grp,
                        team, channel, priority, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for position in order {
                    let outcome = outcomes[position]
                    upsert.bind(outcome.clockKey)
                    upsert.bind(outcome.source)
                    upsert.bind(outcome.ticketID)
                    upsert.bind(outcome.metric.rawValue)
                    upsert.bind(Int64(outcome.cycle))
                    upsert.bind(outcome.state.rawValue)
                    upsert.bind(outcome.policy)
                    upsert.bind(outcome.calendar)
                    upsert.bind(Int64(outcome.targetSeconds))
                    upsert.bind(Int64(outcome.startedAt.timeIntervalSince1970))
                    upsert.bind(outcome.dueAt.map { Int64($0.timeIntervalSince1970) })
                    upsert.bind(outcome.fulfilledAt.map { Int64($0.timeIntervalSince1970) })
                    upsert.bind(Int64(outcome.elapsedSeconds))
                    upsert.bind(Int64(outcome.pausedSeconds))
                    upsert.bind(outcome.customer)
                    upsert.bind(outcome.tier)
                    upsert.bind(outcome.group)
                    upsert.bind(outcome.team)
                    upsert.bind(outcome.channel)
                    upsert.bind(outcome.priority.rawValue)
                    upsert.bind(recordedAt)
                    try upsert.addRow()
                }
                try upsert.finish()
            }
        } catch {
            // The cache may now differ from the table: read it again next time.
            cache.withLock { $0.outcomes = nil }
            throw StateStore.describe(error, path: path)
        }
        cache.withLock { $0.record(outcomes) }
    }

    /// One pass over the table (no index on either time: a first tick over a large backlog
    /// would write them for every clock).
    public func clockOutcomes(countingFrom since: Date, until: Date) throws(StateStoreError) -> [ClockOutcome] {
        let from = Int64(since.timeIntervalSince1970.rounded(.down)), to = Int64(until.timeIntervalSince1970.rounded(.up))
        return try read { db in
            var outcomes: [ClockOutcome] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT * FROM clock_outcome WHERE (fulfilled_at >= ? AND fulfilled_at < ?) OR (due_at >= ? AND due_at < ?)
                """, arguments: [from, to, from, to])
            while let row = try rows.next() {
                if let outcome = StateStore.outcome(row) { outcomes.append(outcome) }
            }
            return outcomes
        }
    }

    /// A `clock_outcome` row; nil for one this slawatch cannot read.
    static func outcome(_ row: Row) -> ClockOutcome? {
        func date(_ value: Int64?) -> Date? { value.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        guard let metric = Metric(rawValue: row["metric"]), let state = ClockState(rawValue: row["state"]),
              let priority = TicketPriority(rawValue: row["priority"])
        else { return nil }
        return ClockOutcome(
            source: row["source"] ?? "", ticketID: row["ticket_id"], metric: metric, cycle: row["cycle"], state: state,
            policy: row["policy"], calendar: row["calendar"], targetSeconds: row["target_seconds"],
            startedAt: date(row["started_at"])!, dueAt: date(row["due_at"]), fulfilledAt: date(row["fulfilled_at"]),
            elapsedSeconds: row["elapsed_seconds"], pausedSeconds: row["paused_seconds"], customer: row["customer"],
            tier: row["tier"], group: row["grp"], team: row["team"], channel: row["channel"], priority: priority)
    }
}

extension ClockOutcome {
    /// The order of clock keys (`SOURCE:ID/metric/cycle`) by their parts, but for an id that
    /// starts another (`7` and `7/`…), which only costs an index a little more work.
    static func keyOrder(_ a: ClockOutcome, _ b: ClockOutcome) -> Bool {
        if a.source != b.source { return a.source < b.source }
        if a.ticketID != b.ticketID { return a.ticketID < b.ticketID }
        if a.metric != b.metric { return a.metric.rawValue < b.metric.rawValue }
        return a.cycle < b.cycle
    }
}

extension StateStore {
    /// Which of `keys` the outbox already holds, whatever became of them: a scheduled
    /// report asks before it is worded, so a period is reported once across restarts.
    public func outboxHolds(_ keys: [String]) throws(StateStoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try read { db in
            let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
            return Set(try String.fetchAll(db, sql: "SELECT key FROM outbox WHERE key IN (\(marks))", arguments: StatementArguments(keys)))
        }
    }
}
