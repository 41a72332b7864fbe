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
        // The ticket's intent ids and clock keys start with `KEY/`: a range of each key's
        // b-tree ('0' follows '/'), which also holds a ticket whose id starts `ID/`, left out
        // by its key.
        let key = TicketKey.make(source, ticketID)
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT metric, cycle FROM intent WHERE id > ?1 AND id < ?2 AND ticket_id = ?3 AND kind <> 'risk' AND clock_key NOT IN (
                    SELECT clock_key FROM clock_outcome
                    WHERE clock_key > ?1 AND clock_key < ?2 AND source = ?4 AND ticket_id = ?5 AND fulfilled_at IS NOT NULL)
                UNION SELECT metric, cycle FROM clock_outcome
                    WHERE clock_key > ?1 AND clock_key < ?2 AND source = ?4 AND ticket_id = ?5 AND state = 'breached' AND fulfilled_at IS NULL
                ORDER BY metric, cycle
                """, arguments: [key + "/", key + "0", key, source, ticketID])
                .compactMap { row -> (metric: Metric, cycle: Int)? in
                    guard let metric = Metric(rawValue: row["metric"]) else { return nil }
                    return (metric, row["cycle"])
                }
        }
    }
}
