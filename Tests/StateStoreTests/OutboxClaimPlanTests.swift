import Foundation
import GRDB
import SLAEngine
import Testing
@testable import StateStore

/// A claim reads only the rows it names: each key is looked up by key, in each of the kept
/// statements, whatever the number of pending rows (the dispatcher claims for many ended attempts at once).
@Suite struct OutboxClaimPlanTests {
    @Test(arguments: StateStore.claimSizes)
    func aClaimLooksEachKeyUpByKey(keys: Int) throws {
        let store = try StateStore(path: temporaryDatabase())
        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + StateStore.claimQuery(keys: keys),
                             arguments: StatementArguments((0..<keys).map { "k\($0)" }))
                .map { $0["detail"] as String }
        }
        #expect(plan.count == 1, "\(plan)")
        #expect(plan.allSatisfy { $0.contains("(key=?)") && !$0.contains("outbox_pending") }, "\(plan)")
    }

    /// Claims of every size answer alike, across the look-up's sizes and parts: the keys
    /// still pending, and the bodies asked for.
    @Test(arguments: [1, 2, 8, 9, 64, 65, 500, 501, 1_100])
    func aClaimOfAnySizeGrantsThePendingKeys(keys count: Int) throws {
        let store = try StateStore(path: temporaryDatabase())
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        try store.enqueue((0..<count).map { OutboundMessage(key: "k\($0)", channel: "leads", subject: "s\($0)", text: "t", createdAt: at) })
        try store.record(stride(from: 0, to: count, by: 3).map { AttemptRecord(key: "k\($0)", at: at, result: .delivered(detail: nil)) })
        let keys = (0..<count).map { "k\($0)" } + ["absent"]
        let claim = try store.claim(keys, reading: Set(keys.filter { $0.hasSuffix("1") }))
        let pending = Set((0..<count).filter { $0 % 3 != 0 }.map { "k\($0)" })
        #expect(claim.granted == pending)
        #expect(Set(claim.messages.keys) == pending.filter { $0.hasSuffix("1") })
        #expect(claim.messages.allSatisfy { key, message in message.subject == "s" + key.dropFirst() })
    }
}
