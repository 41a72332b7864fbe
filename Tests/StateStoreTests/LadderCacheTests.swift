import Foundation
import GRDB
import Testing
import TestSupport
@testable import SLAEngine
@testable import StateStore

/// The ladder history a store keeps in memory reads as the table reads after a restart,
/// through every change a held record goes through.
@Suite struct LadderCacheTests {
    static func held(_ ticket: String, channel: String = "managers") -> Intent {
        Intent(ticketID: ticket, source: "desk", metric: .resolution, cycle: 1, step: "90%", kind: .warning,
               channel: channel, role: .manager, notBefore: at("2026-11-20T13:00:00Z"))
    }

    @Test(arguments: Backend.allCases) func heldRecordsReadTheSameAfterEveryChangeAndARestart(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let (released, withdrawn, muted, waiting) = (Self.held("A"), Self.held("B"), Self.held("C"), Self.held("D"))
        // Recorded twice in one tick: one record.
        try await store.commit(TickCommit(at: at("2026-11-20T12:00:00Z"), intents: [released, withdrawn, muted, waiting, waiting]))
        #expect(try await store.ladderHistory().recordCount == 4)
        try await store.commit(TickCommit(
            at: at("2026-11-20T13:00:00Z"), released: [(released.id, "m1")], withdrawn: [withdrawn.id], messages: [
                OutboundMessage(key: "m1", channel: "managers", subject: "s", text: "t", createdAt: at("2026-11-20T13:00:00Z")),
            ]))
        var commit = TickCommit(at: at("2026-11-20T13:00:00Z"))
        commit.muted = [(muted.id, Silence(
            id: "0123456789ab", matchers: [:], mutesBreaches: true, reason: "incident", createdBy: nil,
            startsAt: at("2026-11-20T12:00:00Z"), endsAt: at("2026-11-20T14:00:00Z")))]
        try await store.commit(commit)
        let expected: LadderHistory = [
            "desk:A/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning)],
            "desk:B/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .skipped)],
            // A record muted after its hold keeps the role it was held with, for the catch-up.
            "desk:C/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning, isSilenced: true, role: .manager)],
            "desk:D/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning, isHeld: true)],
        ]
        #expect(try await store.ladderHistory() == expected)
        #expect(try await subject.open().ladderHistory() == expected)
        #expect(try await store.ladderHistory().records(ticketKey: "desk:C", metric: .resolution, cycle: 1).map(\.role) == [.manager])
    }

    /// A commit that fails adds nothing to the history kept in memory: the history reads as
    /// the table does, and the intents are recorded by the commit that succeeds next.
    @Test(arguments: Backend.allCases) func aFailedCommitLeavesTheHistoryAsTheTableReads(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let (first, refused) = (Self.held("A"), Self.held("B", channel: "leads"))
        try await store.commit(TickCommit(at: at("2026-11-20T12:00:00Z"), intents: [first]))
        #expect(try await store.ladderHistory().recordCount == 1)
        let message = OutboundMessage(key: "m1", channel: "leads", subject: "s", text: "t", createdAt: at("2026-11-20T12:05:00Z"))
        let carried = TickCommit(at: at("2026-11-20T12:05:00Z"), intents: [refused], messageKeys: ["m1"], messages: [message])
        try await subject.refusingOutboxRows(true)
        await #expect(throws: StateStoreError.self) { try await store.commit(carried) }
        let before: LadderHistory = ["desk:A/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning, isHeld: true)]]
        #expect(try await store.ladderHistory() == before)
        try await subject.refusingOutboxRows(false)
        try await store.commit(carried)
        var after = before
        after.record(LadderRecord(step: "90%", channel: "leads", kind: .warning), for: "desk:B/resolution/1")
        #expect(try await store.ladderHistory() == after)
        #expect(try await subject.open().ladderHistory() == after)
    }
}

extension Subject {
    /// Makes every insert into the outbox fail, or stop failing.
    func refusingOutboxRows(_ refusing: Bool) async throws {
        switch backend {
        case .sqlite:
            try await DatabasePool(path: place).write { db in
                try db.execute(sql: refusing
                    ? "CREATE TRIGGER refuse BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    : "DROP TRIGGER refuse")
            }
        case .postgres:
            _ = try PostgresServer.shared().sql("SET search_path = slawatch; " + (refusing ? """
                CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse();
                """ : "DROP TRIGGER refuse ON outbox; DROP FUNCTION refuse();"), database: place)
        }
    }
}
