import Foundation
import Logging
import Testing
import TestSupport
@testable import SLAEngine
@testable import StateStore

/// Writes of many rows at once (a PostgreSQL state streams them with `COPY`): values that
/// text formats trip on come back as they went in, rows already on record are settled, and
/// a deposed leader's bulk write leaves nothing behind.
@Suite struct BulkWriteTests {
    /// More rows than a PostgreSQL store writes one statement at a time.
    static let many = 700

    /// Tab, newline, carriage return, backslash (also before `N` and `.`, COPY's null and end
    /// of data), quotes, non-ASCII text, empty text, and none.
    static let awkward: [String?] = [
        "tab\there", "line\nbreak", "cr\rlf\r\n", "back\\slash", "\\N", "\\.", "ends with \\", "it's \"quoted\"", "",
        "ünïcödé 日本語 🚨", nil, "\t\n\\\r", "comma, semicolon; pipe | percent %",
    ]

    static func awkward(_ n: Int) -> String? { awkward[n % awkward.count] }
    static func text(_ n: Int) -> String { awkward(n) ?? "none \(n)" }

    static func tickets(assignee: (Int) -> String?) -> [Ticket] {
        (0..<many).map { n in
            Ticket(id: "T-\(n)\t\(text(n))", priority: .high, status: .open, group: awkward(n + 3), assignee: assignee(n),
                   createdAt: at("2026-11-20T09:00:00Z"))
        }
    }

    static func outcomes(state: ClockState) -> [ClockOutcome] {
        (0..<many).map { n in
            ClockOutcome(
                source: text(n + 1), ticketID: "T-\(n)", metric: .resolution, cycle: n % 3, state: state, policy: text(n + 2),
                calendar: "24x7", targetSeconds: 3600 + n, startedAt: at("2026-11-20T09:00:00Z"), dueAt: at("2026-11-20T10:00:00Z"),
                fulfilledAt: state == .breached ? nil : at("2026-11-20T11:00:00Z"), elapsedSeconds: n, pausedSeconds: 7,
                customer: text(n + 4), tier: awkward(n + 5), group: awkward(n + 6), team: awkward(n + 7), channel: awkward(n + 8),
                priority: .urgent)
        }
    }

    static var intents: [Intent] {
        (0..<many).map { n in
            Intent(ticketID: "T-\(n)\t\(text(n))", source: "desk", metric: .firstResponse, cycle: 1, step: "75%", kind: .warning,
                   channel: awkward(n + 1), role: n % 2 == 0 ? .lead : nil, isLate: n % 3 == 0,
                   notBefore: at("2026-11-21T09:00:00Z"), template: awkward(n + 2), reason: awkward(n + 3))
        }
    }

    static var messages: [OutboundMessage] {
        (0..<many).map { n in
            OutboundMessage(key: "m-\(n)-\(text(n))", channel: "leads", subject: text(n + 1), text: text(n + 2),
                            createdAt: at("2026-11-20T13:00:00Z"))
        }
    }

    /// Both stores keep clock outcomes.
    func log(_ store: any StateUnderTest) throws -> any ClockOutcomeLog { try #require(store as? any ClockOutcomeLog) }

    @Test(arguments: Backend.allCases) func awkwardValuesComeBackAsTheyWentIn(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        // Snapshots: a new store reads them back and sees no change.
        let tickets = BulkWriteTests.tickets(assignee: BulkWriteTests.awkward)
        #expect(try await store.observe(tickets, source: "desk", at: at("2026-11-20T10:00:00Z")).isEmpty)
        #expect(try await subject.open().observe(tickets, source: "desk", at: at("2026-11-20T10:05:00Z")).isEmpty)
        // Transitions: every assignee changes to the next awkward value.
        let moved = BulkWriteTests.tickets(assignee: { BulkWriteTests.awkward($0 + 1) })
        let history = try await subject.open().observe(moved, source: "desk", at: at("2026-11-20T10:10:00Z"))
        let expected = Dictionary(uniqueKeysWithValues: moved.compactMap { ticket -> (String, [TicketEvent])? in
            let n = Int(ticket.id.dropFirst(2).prefix { $0 != "\t" })!
            guard BulkWriteTests.awkward(n) != BulkWriteTests.awkward(n + 1) else { return nil }
            return (ticket.key, [TicketEvent(at: at("2026-11-20T10:10:00Z"), .assignee(BulkWriteTests.awkward(n + 1)))])
        })
        #expect(history == expected)
        #expect(try await subject.open().observe(moved, source: "desk", at: at("2026-11-20T10:15:00Z")) == expected)

        // Clock outcomes.
        let outcomes = BulkWriteTests.outcomes(state: .breached)
        try await log(store).recordOutcomes(outcomes, at: at("2026-11-20T10:00:00Z"))
        let read = try await log(subject.open()).clockOutcomes(countingFrom: at("2026-11-20T00:00:00Z"), until: at("2026-11-21T00:00:00Z"))
        #expect(Set(read) == Set(outcomes))

        // Breaches, counted per customer by a new store.
        let breaches = (0..<BulkWriteTests.many).map { n in
            BreachRecord(ticketKey: "desk:T-\(n)", customerID: BulkWriteTests.text(n), metric: .resolution, cycle: 1, at: at("2026-11-20T10:00:00Z"))
        }
        try await store.recordBreaches(breaches)
        let counts = try await subject.open().breachCounts(since: at("2026-11-20T00:00:00Z"))
        for customer in Set(breaches.map(\.customerID)) {
            #expect(counts.earlier(customer: customer, excluding: "none") == breaches.filter { $0.customerID == customer }.count, "\(customer.debugDescription)")
        }

        // Held intents and outbox messages.
        let intents = BulkWriteTests.intents
        let messages = BulkWriteTests.messages
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), intents: intents, messages: messages))
        let fresh = try await subject.open()
        #expect(Set(try await fresh.heldIntents(dueBy: at("2026-11-21T09:00:00Z"))) == Set(intents))
        #expect(Set(try await fresh.pendingMessages().map(\.message)) == Set(messages))
    }

    @Test(arguments: Backend.allCases) func rowsAlreadyOnRecordAreSettledNotAnError(_ backend: Backend) async throws {
        let subject = try await backend.make()
        try await log(subject.open()).recordOutcomes(BulkWriteTests.outcomes(state: .breached), at: at("2026-11-20T10:00:00Z"))
        try await subject.open().commit(TickCommit(at: at("2026-11-20T13:00:00Z"), intents: BulkWriteTests.intents,
                                                   messages: BulkWriteTests.messages))
        // A store that knows none of it writes the same rows again: outcomes are updated,
        // intents and messages stay as they were, once each.
        let missed = BulkWriteTests.outcomes(state: .missed)
        let again = try await subject.open()
        try await log(again).recordOutcomes(missed, at: at("2026-11-20T11:00:00Z"))
        var changed = BulkWriteTests.messages
        for index in changed.indices { changed[index].text = "changed" }
        try await again.commit(TickCommit(at: at("2026-11-20T14:00:00Z"), intents: BulkWriteTests.intents, messages: changed))
        let fresh = try await subject.open()
        #expect(Set(try await log(fresh).clockOutcomes(countingFrom: at("2026-11-20T00:00:00Z"), until: at("2026-11-21T00:00:00Z"))) == Set(missed))
        #expect(Set(try await fresh.heldIntents(dueBy: at("2026-11-21T09:00:00Z"))) == Set(BulkWriteTests.intents))
        #expect(Set(try await fresh.pendingMessages().map(\.message)) == Set(BulkWriteTests.messages))
        #expect(try await fresh.outboxDepth() == OutboxDepth(pending: BulkWriteTests.many, dead: 0, held: BulkWriteTests.many))
    }

    @Test func aDeposedLeadersBulkWritesCommitNothing() async throws {
        let database = try PostgresServer.shared().createDatabase()
        let store = try await Subject.postgres(database, fenced: true, instance: "slawatch-a")
        let leadership = PostgresLeadership(store: store, lease: 15, logger: Logger(label: "a"))
        #expect(await leadership.round(progressing: true) == .leader(epoch: 1))
        func count(_ table: String) throws -> String {
            try PostgresServer.shared().sql("SELECT count(*) FROM slawatch.\(table)", database: database)
        }
        // While it leads, its writes go in, so the refusals below are the fence's.
        try await store.recordOutcomes(BulkWriteTests.outcomes(state: .breached), at: at("2026-11-20T10:00:00Z"))
        #expect(try count("clock_outcome") == "\(BulkWriteTests.many)")

        // Another daemon takes over: the epoch moves on while this one still believes it leads.
        try PostgresServer.shared().sql("UPDATE slawatch.leader SET epoch = epoch + 1", database: database)
        #expect(store.leadingEpoch == 1)
        let observed = await #expect(throws: StateStoreError.self) {
            try await store.observe(BulkWriteTests.tickets(assignee: BulkWriteTests.awkward), source: "desk", at: at("2026-11-20T10:00:00Z"))
        }
        #expect(observed?.code == .fenced)
        let breaches = (0..<BulkWriteTests.many).map { n in
            BreachRecord(ticketKey: "desk:T-\(n)", customerID: "acme", metric: .resolution, cycle: 1, at: at("2026-11-20T10:00:00Z"))
        }
        await #expect(throws: StateStoreError.self) { try await store.recordBreaches(breaches) }
        await #expect(throws: StateStoreError.self) {
            try await store.recordOutcomes(BulkWriteTests.outcomes(state: .missed), at: at("2026-11-20T11:00:00Z"))
        }
        let committed = await #expect(throws: StateStoreError.self) {
            try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), intents: BulkWriteTests.intents, messages: BulkWriteTests.messages))
        }
        #expect(committed?.code == .fenced)
        for table in ["ticket_snapshot", "transition", "breach", "intent", "outbox"] { #expect(try count(table) == "0", "\(table)") }
        #expect(try PostgresServer.shared().sql("SELECT count(*) FROM slawatch.clock_outcome WHERE state = 'missed'", database: database) == "0")
        await leadership.resign()
        await store.close()
    }
}
