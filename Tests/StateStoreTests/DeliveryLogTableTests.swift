import Foundation
import GRDB
import Testing
@testable import SLAEngine
@testable import StateStore

/// The delivery log since v9: no index on keys, which every attempt's record paid for and
/// nothing read.
@Suite struct DeliveryLogTableTests {
    /// A state written at v8, as an earlier slawatch left it: its log comes through whole,
    /// the index is gone, and attempts are still logged.
    @Test func aV8StateKeepsItsLogAndLogsWithoutTheIndex() async throws {
        let path = try await temporaryDatabase(at: "v8", with: """
            INSERT INTO delivery_log (key, channel, at, outcome, detail) VALUES
                ('k1', 'leads', 1795000000, 'retry:server_error', '503'), ('k1', 'leads', 1795000060, 'delivered', NULL)
            """)
        let indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery_log'"
        #expect(try await DatabasePool(path: path).read { try String.fetchAll($0, sql: indexes) } == ["delivery_log_key"])
        let store = try StateStore(path: path)
        let message = OutboundMessage(
            key: "k2", channel: "leads", audience: .team, isUrgent: false, subject: "s", text: "t", createdAt: Date(timeIntervalSince1970: 1_795_000_100))
        try store.enqueue([message])
        try store.record([AttemptRecord(key: "k2", at: Date(timeIntervalSince1970: 1_795_000_101), result: .delivered(detail: "200"))])
        let rows = try await DatabasePool(path: path).read { db in
            (try String.fetchAll(db, sql: "SELECT key || ' ' || outcome FROM delivery_log ORDER BY id"),
             try String.fetchAll(db, sql: indexes))
        }
        #expect(rows.0 == ["k1 retry:server_error", "k1 delivered", "k2 delivered"])
        #expect(rows.1.isEmpty)
    }
}
