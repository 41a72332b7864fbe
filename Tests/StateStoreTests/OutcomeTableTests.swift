import Foundation
import GRDB
import Testing
@testable import SLAEngine
@testable import StateStore

/// Clock outcomes since v8: no index on their times (a report scans the table), and a
/// ticket's clocks found by the range of its keys.
@Suite struct OutcomeTableTests {
    /// A state written at v7, with its time indexes, as an earlier slawatch left it: every
    /// outcome comes through, the indexes are gone, a report period still finds what counts.
    @Test func aV7StateKeepsEveryOutcome() throws {
        let path = temporaryDatabase()
        let columns = """
            clock_key || '|' || coalesce(source, '-') || '|' || ticket_id || '|' || metric || '|' || cycle || '|' || state
                || '|' || coalesce(due_at, '-') || '|' || coalesce(fulfilled_at, '-') || '|' || customer || '|' || recorded_at
            """
        let written = [
            "desk:T-1/first_response/1|desk|T-1|first_response|1|met|1795000000|1794990000|acme|1795000100",
            "desk:T-1/resolution/1|desk|T-1|resolution|1|breached|1795000000|-|acme|1795000100",
            "desk:T-2/resolution/1|desk|T-2|resolution|1|breached|1794000000|1795200000|globex|1795200100",
            "desk:T-3/resolution/1|desk|T-3|resolution|1|met|1796000000|1796000000|acme|1796000100",
        ]
        do {
            let queue = try DatabaseQueue(path: path)
            try StateStore.migrator.migrate(queue, upTo: "v7-risks")
            try queue.write { db in
                for row in written {
                    let v = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    try db.execute(sql: """
                        INSERT INTO clock_outcome (clock_key, source, ticket_id, metric, cycle, state, policy, calendar, target_seconds,
                            started_at, due_at, fulfilled_at, elapsed_seconds, paused_seconds, customer, priority, recorded_at)
                        VALUES (?, ?, ?, ?, ?, ?, 'standard', 'us-office', 3600, 1794900000, ?, ?, 60, 0, ?, 'normal', ?)
                        """, arguments: [v[0], v[1], v[2], v[3], Int(v[4]), v[5], Int(v[6]), v[7] == "-" ? nil : Int(v[7]), v[8], Int(v[9])])
                }
            }
            #expect(try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clock_outcome' AND sql IS NOT NULL ORDER BY name") }
                == ["clock_outcome_due", "clock_outcome_fulfilled"])
        }
        let store = try StateStore(path: path)
        let (rows, indexes) = try store.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT \(columns) FROM clock_outcome ORDER BY clock_key"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clock_outcome' AND sql IS NOT NULL"))
        }
        #expect(rows == written)
        #expect(indexes.isEmpty)
        // Due in [1794999999, 1795100000): T-1's two clocks; fulfilled in it: T-1's response
        // is not (1794990000), T-2's resolution is not (1795200000), T-3's neither.
        let period = try store.clockOutcomes(countingFrom: Date(timeIntervalSince1970: 1_794_999_999), until: Date(timeIntervalSince1970: 1_795_100_000))
        #expect(period.map { "\($0.ticketID)/\($0.metric.rawValue)" }.sorted() == ["T-1/first_response", "T-1/resolution"])
        // Fulfilled in [1795100000, 1795300000), due long before: T-2's alone, once.
        let later = try store.clockOutcomes(countingFrom: Date(timeIntervalSince1970: 1_795_100_000), until: Date(timeIntervalSince1970: 1_795_300_000))
        #expect(later.map { "\($0.ticketID)/\($0.metric.rawValue)" } == ["T-2/resolution"])
        #expect(try store.openBreaches().map(\.ticketID) == ["T-1"])
    }

    /// A ticket's unfulfilled clocks by its key: `desk:7` is not `desk:7/10`, nor `mail:7`.
    @Test func aTicketsClocksAreItsOwnAmongKeysThatStartAlike() async throws {
        let store = try StateStore(path: temporaryDatabase())
        let slashed = Intent(ticketID: "7/10", source: "desk", metric: .firstResponse, cycle: 3, step: "breach", kind: .breach, channel: "leads")
        let plain = Intent(ticketID: "7", source: "desk", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "leads")
        let risk = Intent(ticketID: "7", source: "desk", risk: .reassignments, occurrence: 4, channel: "leads")
        let other = Intent(ticketID: "7", source: "mail", metric: .resolution, cycle: 2, step: "75%", kind: .warning, channel: "leads")
        try store.commit(TickCommit(at: Date(timeIntervalSince1970: 1_795_000_000), intents: [slashed, plain, risk, other],
                                    messageKeys: ["m1", "m2", "m3", "m4"]))
        #expect(try store.unfulfilledClocks(source: "desk", ticketID: "7/10").map { "\($0.metric.rawValue)/\($0.cycle)" } == ["first_response/3"])
        #expect(try store.unfulfilledClocks(source: "desk", ticketID: "7").map { "\($0.metric.rawValue)/\($0.cycle)" } == ["resolution/1"])
        #expect(try store.unfulfilledClocks(source: "mail", ticketID: "7").map { "\($0.metric.rawValue)/\($0.cycle)" } == ["resolution/2"])
        #expect(try store.unfulfilledClocks(source: "desk", ticketID: "8").isEmpty)
    }
}
