public import Foundation
import Logging
import PostgresNIO
public import SLAEngine

/// What a daemon sharing the state tells the leading one when it records an answer: a
/// hold on a ticket's clock, or a change of silences. The payload of a `NOTIFY` on
/// `PostgresStateStore.answersChannel`, sent when the transaction that recorded it commits.
public enum AnswerNotice: Sendable, Hashable {
    case hold(source: String, ticketID: String, kind: ClockHold.Kind)
    case silences

    /// `hold`, kind, source and id, separated by tabs (an id holds no tab a helpdesk gives); or `silences`.
    var payload: String {
        switch self {
        case .hold(let source, let ticketID, let kind): ["hold", kind.rawValue, source, ticketID].joined(separator: "\t")
        case .silences: "silences"
        }
    }

    init?(payload: String) {
        let parts = payload.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        if parts == ["silences"] {
            self = .silences
        } else if parts.count == 4, parts[0] == "hold", let kind = ClockHold.Kind(rawValue: parts[1]) {
            self = .hold(source: parts[2], ticketID: parts[3], kind: kind)
        } else {
            return nil
        }
    }
}

extension PostgresStateStore {
    /// Hands every answer any daemon records to `heard`, until the calling task is
    /// cancelled. It listens on a pooled connection; when the connection is lost it listens
    /// again after `retry`, and calls `heard(nil)` then: answers may have been missed.
    public func listenForAnswers(retry: Duration = .seconds(1), _ heard: @escaping @Sendable (AnswerNotice?) async -> Void) async {
        let (client, logger) = (client, logger)
        var first = true
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresStateStore.answersChannel) { notifications in
                        if !first { await heard(nil) }
                        first = false
                        for try await notification in notifications {
                            if let notice = AnswerNotice(payload: notification.payload) { await heard(notice) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("listening for answers again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: retry)
        }
    }
}

extension PostgresStateStore: RecordedClockLog {
    public func openBreaches() async throws(StateStoreError) -> [ClockOutcome] {
        try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT row_to_json(o)::text FROM clock_outcome o WHERE state = 'breached' AND fulfilled_at IS NULL
                """, logger: logger)
            return try await rows.all(String.self).compactMap(PostgresStateStore.outcome(json:))
        }
    }

    public func unfulfilledClocks(source: String, ticketID: String) async throws(StateStoreError) -> [(metric: Metric, cycle: Int)] {
        let key = TicketKey.make(source, ticketID)
        return try await read { connection, logger in
            let rows = try await connection.query("""
                SELECT metric, cycle FROM intent WHERE ticket_id = \(key) AND kind <> 'risk' AND clock_key NOT IN (
                    SELECT clock_key FROM clock_outcome WHERE source = \(source) AND ticket_id = \(ticketID) AND fulfilled_at IS NOT NULL)
                UNION SELECT metric, cycle FROM clock_outcome
                    WHERE source = \(source) AND ticket_id = \(ticketID) AND state = 'breached' AND fulfilled_at IS NULL
                ORDER BY metric, cycle
                """, logger: logger)
            var clocks: [(metric: Metric, cycle: Int)] = []
            for try await (metric, cycle) in rows.decode((String, Int32).self) {
                if let metric = Metric(rawValue: metric) { clocks.append((metric, Int(cycle))) }
            }
            return clocks
        }
    }

    /// A `clock_outcome` row as `row_to_json` gives it; nil for one this slawatch cannot read.
    static func outcome(json text: String) -> ClockOutcome? {
        guard let row = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let metric = (row["metric"] as? String).flatMap(Metric.init(rawValue:)),
              let state = (row["state"] as? String).flatMap(ClockState.init(rawValue:)),
              let priority = (row["priority"] as? String).flatMap(TicketPriority.init(rawValue:)),
              let ticketID = row["ticket_id"] as? String, let started = row["started_at"] as? NSNumber
        else { return nil }
        func number(_ key: String) -> Int { (row[key] as? NSNumber)?.intValue ?? 0 }
        func date(_ key: String) -> Date? { (row[key] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) } }
        return ClockOutcome(
            source: row["source"] as? String ?? "", ticketID: ticketID, metric: metric, cycle: number("cycle"), state: state,
            policy: row["policy"] as? String ?? "", calendar: row["calendar"] as? String ?? "", targetSeconds: number("target_seconds"),
            startedAt: Date(timeIntervalSince1970: started.doubleValue), dueAt: date("due_at"), fulfilledAt: date("fulfilled_at"),
            elapsedSeconds: number("elapsed_seconds"), pausedSeconds: number("paused_seconds"), customer: row["customer"] as? String ?? "",
            tier: row["tier"] as? String, group: row["grp"] as? String, team: row["team"] as? String,
            channel: row["channel"] as? String, priority: priority)
    }
}
