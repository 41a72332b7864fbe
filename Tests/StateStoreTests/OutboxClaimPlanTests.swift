import Foundation
import GRDB
import Testing
@testable import StateStore

/// A claim reads only the rows it names: each key is looked up by key, whatever the number
/// of keys and of pending rows (the dispatcher claims for many ended attempts at once).
@Suite struct OutboxClaimPlanTests {
    @Test(arguments: [1, 2, 64, 500])
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
}
