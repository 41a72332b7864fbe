import Foundation
import GRDB
import Testing
import TestSupport
@testable import SLAEngine
@testable import StateStore

/// Tickets are (source, id) in the state: two sources' ticket `1001` are two tickets, and a
/// state written when tickets were keyed by id alone is rekeyed on open.
@Suite struct TicketIdentityStoreTests {
    func ticket(_ id: String, from source: String, status: TicketStatus = .open) -> Ticket {
        var ticket = Ticket(id: id, status: status, createdAt: at("2026-11-20T10:00:00Z"))
        ticket.source = source
        return ticket
    }

    @Test(arguments: Backend.allCases) func twoSourcesWithOneIdKeepTwoHistories(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        _ = try await store.observe([ticket("1001", from: "eu")], source: "eu", at: at("2026-11-20T10:01:00Z"))
        _ = try await store.observe([ticket("1001", from: "us")], source: "us", at: at("2026-11-20T10:01:00Z"))
        // Only the EU ticket changes; the US one is polled unchanged.
        let eu = try await store.observe([ticket("1001", from: "eu", status: .pendingCustomer)], source: "eu", at: at("2026-11-20T10:05:00Z"))
        let us = try await store.observe([ticket("1001", from: "us")], source: "us", at: at("2026-11-20T10:05:00Z"))
        #expect(eu == ["eu:1001": [TicketEvent(at: at("2026-11-20T10:05:00Z"), .status(.pendingCustomer))]])
        #expect(us.isEmpty)
        // Each source's snapshot survives a restart apart from the other's.
        let reopened = try await subject.open()
        #expect(try await reopened.observe([ticket("1001", from: "us")], source: "us", at: at("2026-11-20T10:10:00Z")).isEmpty)
    }

    @Test(arguments: Backend.allCases) func intentsOfTwoSourcesWithOneIdAreTwoLadders(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let eu = Intent(ticketID: "1001", source: "eu", metric: .firstResponse, cycle: 1, step: "breach", kind: .breach, channel: "leads")
        let us = Intent(ticketID: "1001", source: "us", metric: .firstResponse, cycle: 1, step: "breach", kind: .breach, channel: "leads",
                        notBefore: at("2026-11-20T14:00:00Z"))
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), intents: [eu, us], messageKeys: [eu.id], messages: [
            OutboundMessage(key: eu.id, channel: "leads", subject: "s", text: "t", createdAt: at("2026-11-20T13:00:00Z")),
        ]))
        let history = try await subject.open().ladderHistory()
        #expect(history.count == 2)
        #expect(history.records(for: "eu:1001/first_response/1").count == 1)
        #expect(history.records(for: "us:1001/first_response/1").count == 1)
        // A held intent comes back with its source.
        let held = try await store.heldIntents(dueBy: at("2026-11-20T15:00:00Z"))
        #expect(held.map(\.ticketID) == ["1001"])
        #expect(held.map(\.source) == ["us"])
        #expect(held.first?.id == "us:1001/first_response/1/breach@leads")
    }

    /// A state file at schema v3 (ticket keyed by id alone), as an earlier slawatch left it.
    @Test func aStateKeyedByIdAloneIsRekeyedBySource() async throws {
        let path = try await temporaryDatabase(at: "v3", with: """
            INSERT INTO ticket_snapshot (ticket_id, source, status, priority, changed_at) VALUES ('1001', 'desk', 'open', 'high', 0);
            INSERT INTO transition (ticket_id, at, kind, value) VALUES ('1001', 1795000000, 'status', 'open');
            INSERT INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, late, status, not_before, created_at)
                VALUES ('1001/first_response/1/75%@leads', '1001/first_response/1', '1001', 'first_response', 1, '75%',
                        'warning', 'leads', 0, 'held', 1795000100, 1795000000);
            INSERT INTO breach (clock_key, customer_id, ticket_id, at) VALUES ('1001/resolution/1', 'acme', '1001', 1795000000);
            """)
        let store = try StateStore(path: path)
        #expect(try store.ladderHistory().count == 1)
        #expect(try store.ladderHistory().records(for: "desk:1001/first_response/1").count == 1)
        let held = try store.heldIntents(dueBy: Date(timeIntervalSince1970: 1_795_000_200))
        #expect(held.map(\.id) == ["desk:1001/first_response/1/75%@leads"])
        #expect(held.map(\.source) == ["desk"])
        // The breach is the desk ticket's: it does not count against that ticket itself.
        let counts = try store.breachCounts(since: Date(timeIntervalSince1970: 0))
        #expect(counts.earlier(customer: "acme", excluding: "desk:1001") == 0)
        #expect(counts.earlier(customer: "acme", excluding: "desk:1002") == 1)
        // The snapshot is the desk ticket's: polled unchanged, nothing is observed; the
        // transition recorded before comes back under the new key.
        var ticket = Ticket(id: "1001", priority: .high, status: .open, createdAt: Date(timeIntervalSince1970: 1_794_999_000))
        ticket.source = "desk"
        let history = try store.observe([ticket], source: "desk", at: Date(timeIntervalSince1970: 1_795_000_300))
        #expect(history == ["desk:1001": [TicketEvent(at: Date(timeIntervalSince1970: 1_795_000_000), .status(.open))]])
    }

    /// The same on PostgreSQL: a state at v3 is rekeyed by v4 when a newer slawatch opens it.
    @Test func aPostgreSQLStateKeyedByIdAloneIsRekeyedBySource() async throws {
        let database = try PostgresServer.shared().createDatabase()
        let old = try await Subject.postgres(database, migratedTo: "v3")
        await old.close()
        try PostgresServer.shared().sql("""
            SET search_path = slawatch;
            INSERT INTO ticket_snapshot (ticket_id, source, status, priority, changed_at) VALUES ('1001', 'desk', 'open', 'high', 0);
            INSERT INTO transition (ticket_id, at, kind, value) VALUES ('1001', 1795000000, 'status', 'open');
            INSERT INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, late, status, not_before, created_at)
                VALUES ('1001/first_response/1/75%@leads', '1001/first_response/1', '1001', 'first_response', 1, '75%',
                        'warning', 'leads', false, 'held', 1795000100, 1795000000);
            INSERT INTO breach (clock_key, customer_id, ticket_id, at) VALUES ('1001/resolution/1', 'acme', '1001', 1795000000);
            """, database: database)
        let store = try await Subject.postgres(database)
        #expect(try await store.ladderHistory().count == 1)
        #expect(try await store.ladderHistory().records(for: "desk:1001/first_response/1").count == 1)
        let held = try await store.heldIntents(dueBy: Date(timeIntervalSince1970: 1_795_000_200))
        #expect(held.map(\.id) == ["desk:1001/first_response/1/75%@leads"])
        let counts = try await store.breachCounts(since: Date(timeIntervalSince1970: 0))
        #expect(counts.earlier(customer: "acme", excluding: "desk:1001") == 0)
        var ticket = Ticket(id: "1001", priority: .high, status: .open, createdAt: Date(timeIntervalSince1970: 1_794_999_000))
        ticket.source = "desk"
        let history = try await store.observe([ticket], source: "desk", at: Date(timeIntervalSince1970: 1_795_000_300))
        #expect(history == ["desk:1001": [TicketEvent(at: Date(timeIntervalSince1970: 1_795_000_000), .status(.open))]])
        await store.close()
    }
}
