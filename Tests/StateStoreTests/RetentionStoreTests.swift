import Foundation
import Testing
@testable import SLAEngine
@testable import StateStore

/// Forgetting what is over, on SQLite and on PostgreSQL alike.
@Suite struct RetentionStoreTests {
    /// Source `s`: `s:1` closed long ago, `s:10` open as long (its keys start with `s:1`'s,
    /// one character on), `s:2` closed after the cutoff.
    let old = at("2025-01-10T10:00:00Z")
    let recent = at("2026-11-01T10:00:00Z")
    let cutoff = at("2026-10-01T00:00:00Z")

    func intent(_ id: String, step: String) -> Intent {
        Intent(ticketID: id, source: "s", metric: .resolution, cycle: 1, step: step, kind: .warning, channel: "leads", role: .lead)
    }

    func outcome(_ id: String, fulfilled: Date?) -> ClockOutcome {
        ClockOutcome(
            source: "s", ticketID: id, metric: .resolution, cycle: 1, state: fulfilled == nil ? .breached : .met, policy: "p",
            calendar: "24x7", targetSeconds: 3600, startedAt: old, dueAt: old + 3600, fulfilledAt: fulfilled, elapsedSeconds: 60,
            pausedSeconds: 0, customer: "acme", priority: .normal)
    }

    func message(_ key: String, at instant: Date) -> OutboundMessage {
        OutboundMessage(key: key, channel: "leads", subject: "s", text: "t", createdAt: instant)
    }

    @Test(arguments: Backend.allCases) func onlyWhatEndedBeforeTheCutoffIsForgotten(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        // Seen open, then s:1 closed long ago and s:2 closed recently; s:10 stays open.
        let tickets = ["1", "10", "2"].map { id in
            var ticket = Ticket(id: id, status: .open, createdAt: old - 3600)
            ticket.source = "s"
            return ticket
        }
        _ = try await store.observe(tickets, source: "s", at: old - 60)
        var closed = tickets
        closed[0].status = .closed
        _ = try await store.observe(closed, source: "s", at: old)
        closed[2].status = .solved
        _ = try await store.observe(closed, source: "s", at: recent)

        let intents = [intent("1", step: "75%"), intent("10", step: "75%"), intent("2", step: "75%")]
        let messages = [message(intents[0].id, at: old), message(intents[1].id, at: old), message(intents[2].id, at: recent)]
        try await store.commit(TickCommit(at: old, intents: Array(intents[0...1]), messageKeys: [intents[0].id, intents[1].id],
                                          messages: Array(messages[0...1])))
        try await store.commit(TickCommit(at: recent, intents: [intents[2]], messageKeys: [intents[2].id], messages: [messages[2]]))
        // s:1's and s:2's messages sent; s:10's still pending, however old.
        try await store.record([
            AttemptRecord(key: intents[0].id, at: old + 1, result: .delivered(detail: nil)),
            AttemptRecord(key: intents[2].id, at: recent + 1, result: .delivered(detail: nil)),
        ], outages: [:])
        try await store.recordBreaches(["1", "10", "2"].map {
            BreachRecord(ticketKey: "s:\($0)", customerID: "acme", metric: .resolution, cycle: 1, at: old)
        })
        let outcomes = store as! any ClockOutcomeLog
        try await outcomes.recordOutcomes([outcome("1", fulfilled: old), outcome("10", fulfilled: nil), outcome("2", fulfilled: recent)], at: old)

        // A limit of one row a kind: the first call reaches it, and calls go on until none does.
        let retention = store as! any StateRetention
        var total = PrunedRows()
        var calls = 0
        repeat {
            total.add(try await retention.prune(before: cutoff, limit: 1))
            calls += 1
        } while total.reachedLimit && calls < 10
        #expect(calls == 2)
        #expect(total["ticket_snapshot"] == 1)
        #expect(total["intent"] == 1)
        #expect(total["breach"] == 1)
        #expect(total["clock_outcome"] == 1)
        #expect(total["transition"] == 1)  // s:1's move to closed
        #expect(total["outbox"] == 1)
        #expect(total["delivery_log"] == 1)

        #expect(try await subject.strings("SELECT ticket_id FROM ticket_snapshot ORDER BY ticket_id") == ["s:10", "s:2"])
        #expect(try await subject.strings("SELECT ticket_id FROM intent ORDER BY ticket_id") == ["s:10", "s:2"])
        #expect(try await subject.strings("SELECT ticket_id FROM breach ORDER BY ticket_id") == ["s:10", "s:2"])
        #expect(try await subject.strings("SELECT clock_key FROM clock_outcome ORDER BY clock_key") == ["s:10/resolution/1", "s:2/resolution/1"])
        #expect(try await subject.strings("SELECT DISTINCT ticket_id FROM transition ORDER BY ticket_id") == ["s:2"])
        // The pending message stays, however old; the recent one stays with its history.
        #expect(try await subject.strings("SELECT key FROM outbox ORDER BY key") == [intents[1].id, intents[2].id])
        #expect(try await subject.strings("SELECT key FROM delivery_log") == [intents[2].id])

        // The store reads the same as one opened afresh: s:10's step is still on record, so it is not sent again.
        let history = try await store.ladderHistory()
        #expect(history["s:1/resolution/1"] == nil)
        #expect(history["s:10/resolution/1"] == [LadderRecord(step: "75%", channel: "leads", kind: .warning)])
        #expect(try await subject.open().ladderHistory() == history)
        #expect(try await store.breachCounts(since: old - 1).earlier(customer: "acme", excluding: "s:2") == 1)
        // Nothing more to forget.
        #expect(try await retention.prune(before: cutoff, limit: 100).total == 0)
    }
}
