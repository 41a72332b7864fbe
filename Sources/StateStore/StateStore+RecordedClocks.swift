public import Foundation
import GRDB
public import SLAEngine

extension StateStore: HoldLog {}

extension StateStore: RecordedClockLog {
    public func openBreaches() throws(StateStoreError) -> [ClockOutcome] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM clock_outcome WHERE state = 'breached' AND fulfilled_at IS NULL")
                .compactMap(StateStore.outcome)
        }
    }

    public func unfulfilledClocks(source: String, ticketID: String) throws(StateStoreError) -> [(metric: Metric, cycle: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT metric, cycle FROM intent WHERE ticket_id = ? AND kind <> 'risk' AND clock_key NOT IN (
                    SELECT clock_key FROM clock_outcome WHERE source = ? AND ticket_id = ? AND fulfilled_at IS NOT NULL)
                UNION SELECT metric, cycle FROM clock_outcome
                    WHERE source = ? AND ticket_id = ? AND state = 'breached' AND fulfilled_at IS NULL
                ORDER BY metric, cycle
                """, arguments: [TicketKey.make(source, ticketID), source, ticketID, source, ticketID])
                .compactMap { row -> (metric: Metric, cycle: Int)? in
                    guard let metric = Metric(rawValue: row["metric"]) else { return nil }
                    return (metric, row["cycle"])
                }
        }
    }
}
