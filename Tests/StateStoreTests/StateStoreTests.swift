import Foundation
import GRDB
import Testing
@testable import SLAEngine
@testable import StateStore

/// A fresh directory for one test's database.
func temporaryDatabase() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-store-\(UUID())")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("state.db").path
}

/// A fresh database migrated only up to `version`, with `sql` run on it: a state as an
/// earlier slawatch left it, for the migrations after it to take up.
func temporaryDatabase(at version: String, with sql: String) async throws -> String {
    let path = temporaryDatabase()
    let queue = try DatabaseQueue(path: path)
    try StateStore.migrator.migrate(queue, upTo: version)
    try await queue.write { try $0.execute(sql: sql) }
    return path
}

func at(_ text: String) -> Date { Timestamp(rfc3339: text)!.date }

/// The store's contract, on SQLite and on PostgreSQL alike.
@Suite struct StateStoreTests {
    @Test(arguments: Backend.allCases) func observedTransitionsAreRecordedBetweenPolls(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        var ticket = Ticket(id: "T-1", status: .open, createdAt: at("2026-11-20T10:00:00Z"))
        #expect(try await store.observe([ticket], source: "s", at: at("2026-11-20T10:01:00Z")).isEmpty)
        ticket.status = .pendingCustomer
        ticket.priority = .urgent
        let history = try await store.observe([ticket], source: "s", at: at("2026-11-20T10:05:00Z"))
        #expect(history["T-1"] == [
            TicketEvent(at: at("2026-11-20T10:05:00Z"), .status(.pendingCustomer)),
            TicketEvent(at: at("2026-11-20T10:05:00Z"), .priority(.urgent)),
        ])
        // Unchanged: nothing new, the history stays.
        let again = try await store.observe([ticket], source: "s", at: at("2026-11-20T10:10:00Z"))
        #expect(again["T-1"]?.count == 2)
        // An assignee taken away is a transition to none.
        ticket.assignee = "ada"
        _ = try await store.observe([ticket], source: "s", at: at("2026-11-20T10:11:00Z"))
        ticket.assignee = nil
        let cleared = try await store.observe([ticket], source: "s", at: at("2026-11-20T10:12:00Z"))
        #expect(cleared["T-1"]?.suffix(2) == [
            TicketEvent(at: at("2026-11-20T10:11:00Z"), .assignee("ada")), TicketEvent(at: at("2026-11-20T10:12:00Z"), .assignee(nil)),
        ])
        // Only polled tickets' history is returned; a new store reads the same from disk.
        #expect(try await store.observe([], source: "s", at: at("2026-11-20T10:15:00Z")).isEmpty)
        #expect(try await subject.open().observe([ticket], source: "s", at: at("2026-11-20T10:20:00Z")) == cleared)
    }

    func message(_ key: String) -> OutboundMessage {
        OutboundMessage(key: key, channel: "leads", subject: "s", text: "t", createdAt: at("2026-11-20T13:00:00Z"))
    }

    /// Messages encoded ahead of the commit are stored as encoded; changed after, as changed.
    @Test(arguments: Backend.allCases) func messagesEncodedAheadAreStoredAsTheyStandAtTheCommit(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        var ahead = TickCommit(at: at("2026-11-20T13:00:00Z"), messages: [message("a")])
        try ahead.encodeMessages()
        #expect(ahead.encoded?.count == 1)
        try await store.commit(ahead)
        var changed = TickCommit(at: at("2026-11-20T13:00:00Z"), messages: [message("b")])
        try changed.encodeMessages()
        changed.messages[0].text = "changed after encoding"
        #expect(changed.encoded == nil)
        changed.messages.append(message("c"))
        try await store.commit(changed)
        let pending = try await subject.open().pendingMessages().map(\.message)
        #expect(pending.map(\.key) == ["a", "b", "c"])
        #expect(pending.map(\.text) == ["t", "changed after encoding", "t"])
    }

    /// A SQLite state says when every message of a commit went into the outbox new, so the
    /// dispatcher need not claim them; one key already there (delivered, perhaps) says not.
    /// A shared state never says so: its claims stand for leadership.
    @Test(arguments: Backend.allCases) func aCommitSaysWhetherEveryMessageIsNewToTheOutbox(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let first = try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), messages: (0..<40).map { message("m\($0)") }))
        #expect(first.messagesAreNew == (backend == .sqlite))
        try await store.record([AttemptRecord(key: "m39", at: at("2026-11-20T13:00:01Z"), result: .delivered(detail: nil))], outages: [:])
        let again = try await store.commit(TickCommit(at: at("2026-11-20T13:01:00Z"), messages: [message("m40"), message("m39")]))
        #expect(!again.messagesAreNew)
        #expect(try await store.claim(["m39", "m40"]) == ["m40"])
        #expect(try await store.commit(TickCommit(at: at("2026-11-20T13:02:00Z"))).messagesAreNew == (backend == .sqlite))
    }

    @Test(arguments: Backend.allCases) func aTickIsCommittedWholeAndDeliveredOnce(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let warning = Intent(ticketID: "T-1", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "leads", role: .lead)
        let held = Intent(ticketID: "T-2", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "leads",
                          notBefore: at("2026-11-20T14:00:00Z"))
        let skipped = Intent(ticketID: "T-3", metric: .resolution, cycle: 1, step: "75%", kind: .skipped, channel: nil, reason: "r")
        try await store.commit(TickCommit(
            at: at("2026-11-20T13:00:00Z"),
            intents: [warning, held, skipped], messageKeys: [warning.id],
            messages: [message(warning.id)]
        ))
        let breach = BreachRecord(ticketKey: "T-9", customerID: "acme", metric: .resolution, cycle: 1, at: at("2026-11-20T12:00:00Z"))
        try await store.recordBreaches([breach])
        // A clock breaches once: the same breach seen again, even later, is not a second one.
        try await store.recordBreaches([breach, BreachRecord(ticketKey: "T-9", customerID: "acme", metric: .resolution, cycle: 1,
                                                             at: at("2026-11-20T12:30:00Z"))])
        let history = try await store.ladderHistory()
        #expect(history["T-1/resolution/1"] == [LadderRecord(step: "75%", channel: "leads", kind: .warning)])
        #expect(history["T-2/resolution/1"] == [LadderRecord(step: "75%", channel: "leads", kind: .warning, isHeld: true)])
        #expect(history["T-3/resolution/1"] == [LadderRecord(step: "75%", channel: nil, kind: .skipped)])
        // What a new store reads from disk is what this one kept in memory.
        #expect(try await subject.open().ladderHistory() == history)
        #expect(try await store.breachCounts(since: at("2026-11-01T00:00:00Z")).earlier(customer: "acme", excluding: "T-1") == 1)
        // Not the ticket's own, not another customer's, not before the window.
        #expect(try await store.breachCounts(since: at("2026-11-01T00:00:00Z")).earlier(customer: "acme", excluding: "T-9") == 0)
        #expect(try await store.breachCounts(since: at("2026-11-01T00:00:00Z")).earlier(customer: "initech", excluding: "T-1") == 0)
        #expect(try await store.breachCounts(since: at("2026-11-20T12:00:01Z")).earlier(customer: "acme", excluding: "T-1") == 0)
        // Also for a store opened afresh, which reads what is on record.
        try await subject.open().recordBreaches([BreachRecord(
            ticketKey: "T-9", customerID: "acme", metric: .resolution, cycle: 1, at: at("2026-11-20T12:45:00Z")
        )])
        #expect(try await subject.open().breachCounts(since: at("2026-11-01T00:00:00Z")).earlier(customer: "acme", excluding: "T-1") == 1)

        #expect(try await store.pendingMessages().map(\.message) == [message(warning.id)])
        #expect(try await store.claim([warning.id, "unknown"]) == [warning.id])
        // A claim reads back the messages asked for, and only those; a restart queues keys.
        let claimed = try await store.claim([warning.id, "unknown"], reading: [warning.id, "unknown"])
        #expect(claimed.granted == [warning.id] && claimed.messages == [warning.id: message(warning.id)])
        #expect(try await store.claim([warning.id], reading: []).messages.isEmpty)
        #expect(try await store.pendingKeys().map { [$0.key, $0.channel, "\($0.attempts)"] } == [[warning.id, "leads", "0"]])
        try await store.record([AttemptRecord(key: warning.id, at: at("2026-11-20T13:00:01Z"), result: .delivered(detail: nil))], outages: [:])
        // Recorded once: a second record of the same delivery changes nothing.
        try await store.record([AttemptRecord(key: warning.id, at: at("2026-11-20T13:00:02Z"), result: .delivered(detail: nil))], outages: [:])
        #expect(try await subject.strings("SELECT COUNT(*) FROM delivery_log") == ["1"])
        #expect(try await store.pendingMessages().isEmpty)
        // A message delivered is claimed no more.
        #expect(try await store.claim([warning.id]).isEmpty)
        #expect(try await store.outboxDepth() == OutboxDepth(pending: 0, dead: 0, held: 1))
        #expect(try await store.nextHeldRelease() == at("2026-11-20T14:00:00Z"))
        #expect(try await store.heldIntents(dueBy: at("2026-11-20T13:59:59Z")).isEmpty)
        #expect(try await store.heldIntents(dueBy: at("2026-11-20T14:00:00Z")).map(\.id) == [held.id])
        #expect(try await store.heldIntents(dueBy: at("2026-11-20T14:00:00Z")) == [held])
    }

    @Test(arguments: Backend.allCases) func heldIntentsAreReleasedOrWithdrawnOnce(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let a = Intent(ticketID: "A", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "c",
                       notBefore: at("2026-11-20T14:00:00Z"))
        let b = Intent(ticketID: "B", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "c",
                       notBefore: at("2026-11-20T14:00:00Z"))
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), intents: [a, b]))
        try await store.commit(TickCommit(
            at: at("2026-11-20T14:00:00Z"), released: [(a.id, "m1")], withdrawn: [b.id], messages: [message("m1")]
        ))
        #expect(try await store.heldIntents(dueBy: at("2026-11-21T00:00:00Z")).isEmpty)
        let history = try await store.ladderHistory()
        #expect(try await subject.open().ladderHistory() == history)
        #expect(history["A/resolution/1"]?.first?.isHeld == false)
        // A withdrawn intent counts as fired, not as sent.
        #expect(history["B/resolution/1"]?.first?.kind == .skipped)
        #expect(try await subject.strings("SELECT message_key FROM intent WHERE id = '\(a.id)'") == ["m1"])
    }

    @Test(arguments: Backend.allCases) func heldIntentsAreScheduledAgainOnTheirChannelsOnly(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let quiet = Intent(ticketID: "A", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "quiet",
                           notBefore: at("2026-11-23T09:00:00Z"))
        let other = Intent(ticketID: "B", metric: .resolution, cycle: 1, step: "75%", kind: .warning, channel: "other",
                           notBefore: at("2026-11-23T09:00:00Z"))
        // No message carried it, so it is held without an end: not quiet hours' to move.
        let unworded = Intent(ticketID: "C", metric: .resolution, cycle: 1, step: "breach", kind: .breach, channel: "quiet")
        try await store.commit(TickCommit(at: at("2026-11-22T13:00:00Z"), intents: [quiet, other, unworded]))
        // The quiet hours of "quiet" were removed: its held intent is due now; "other" is not named.
        #expect(try await store.rescheduleHeld(["quiet": at("2026-11-22T14:00:00Z")]) == 1)
        #expect(try await store.heldIntents(dueBy: at("2026-11-22T14:00:00Z")).map(\.id) == [quiet.id])
        #expect(try await store.nextHeldRelease() == at("2026-11-22T14:00:00Z"))
        // The same schedule again moves nothing; a later one moves it back, as narrowed quiet hours do.
        #expect(try await store.rescheduleHeld(["quiet": at("2026-11-22T14:00:00Z")]) == 0)
        #expect(try await store.rescheduleHeld(["quiet": at("2026-11-23T10:00:00Z"), "other": at("2026-11-23T10:00:00Z")]) == 2)
        #expect(try await store.heldIntents(dueBy: at("2026-11-23T09:59:59Z")).isEmpty)
        #expect(try await subject.open().heldIntents(dueBy: at("2026-11-23T10:00:00Z")).map(\.id).sorted() == [quiet.id, other.id].sorted())
        #expect(try await subject.strings("SELECT id FROM intent WHERE not_before IS NULL") == [unworded.id])
    }

    @Test(arguments: Backend.allCases) func failedDeliveriesKeepTheirScheduleThenDeadLetter(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), messages: [message("m"), message("n")]))
        try await store.record([
            AttemptRecord(key: "m", at: at("2026-11-20T13:00:00Z"), result: .retry(at: at("2026-11-20T13:00:30Z"), reason: "server_error", detail: "HTTP 500")),
            AttemptRecord(key: "n", at: at("2026-11-20T13:00:00Z"), result: .delivered(detail: "HTTP 200")),
        ], outages: ["hooks": ChannelOutage(since: at("2026-11-20T12:59:00Z"), deadLetters: 0)])
        let pending = try await store.pendingMessages()
        #expect(pending.map(\.message.key) == ["m"])
        #expect(pending.map(\.attempts) == [1])
        #expect(pending.map(\.nextAttemptAt) == [at("2026-11-20T13:00:30Z")])
        #expect(try await subject.open().channelOutages() == ["hooks": ChannelOutage(since: at("2026-11-20T12:59:00Z"), deadLetters: 0)])
        // A mail retried only to some recipients keeps that narrower form.
        var narrowed = message("m")
        narrowed.retryTo = ["b@example.com"]
        try await store.record([AttemptRecord(key: "m", at: at("2026-11-20T13:00:30Z"),
                                              result: .retry(at: at("2026-11-20T13:01:30Z"), reason: "rejected", detail: nil), next: narrowed)],
                               outages: [:])
        #expect(try await subject.open().pendingMessages().map(\.message) == [narrowed])
        try await store.record([AttemptRecord(key: "m", at: at("2026-11-20T13:01:30Z"), result: .dead(reason: "server_error", detail: "HTTP 500"))],
                               outages: ["hooks": ChannelOutage?.none])
        #expect(try await store.outboxDepth().dead == 1)
        #expect(try await store.pendingMessages().isEmpty)
        #expect(try await store.channelOutages().isEmpty)
        #expect(try await subject.strings("SELECT outcome FROM delivery_log ORDER BY id")
                == ["retry:server_error", "delivered", "retry:rejected", "dead:server_error"])
        #expect(try await subject.strings("SELECT last_error FROM outbox WHERE key = 'm'") == ["HTTP 500"])
    }

    @Test(arguments: Backend.allCases) func cursorsSurviveReopening(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        try store.saveCursor("abc", source: "zendesk", at: at("2026-11-20T13:00:00Z"))
        try store.saveCursor("abd", source: "zendesk", at: at("2026-11-20T13:01:00Z"))
        #expect(try store.cursor(source: "zendesk") == "abd")
        try await (store as? PostgresStateStore)?.flushCursors()
        #expect(try await subject.open().cursor(source: "zendesk") == "abd")
        #expect(try await subject.open().cursor(source: "other") == nil)
    }

    @Test(arguments: Backend.allCases) func aLargeTickIsWrittenAndReadBack(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let intents = (0..<5000).map { n in
            Intent(ticketID: "T-\(n)", metric: .firstResponse, cycle: 0, step: "75%", kind: .warning, channel: n % 3 == 0 ? nil : "leads",
                   role: n % 2 == 0 ? .lead : nil, isLate: n % 5 == 0, notBefore: n % 7 == 0 ? at("2026-11-21T09:00:00Z") : nil,
                   template: n % 11 == 0 ? "custom" : nil, reason: n % 13 == 0 ? "tab\there, newline\nand \\ backslash" : nil)
        }
        let keys = intents.indices.map { $0 % 7 == 0 ? nil : "m-\($0)" }
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), intents: intents, messageKeys: keys,
                                          messages: keys.compactMap { $0 }.map(message)))
        let fresh = try await subject.open()
        #expect(try await fresh.ladderHistory() == store.ladderHistory())
        #expect(try await fresh.ladderHistory().count == 5000)
        #expect(try await fresh.outboxDepth() == OutboxDepth(pending: keys.compactMap { $0 }.count, dead: 0, held: intents.indices.filter { $0 % 7 == 0 }.count))
        let held = try await fresh.heldIntents(dueBy: at("2026-11-21T09:00:00Z"))
        #expect(Set(held) == Set(intents.enumerated().filter { $0.offset % 7 == 0 }.map(\.element)))
    }
}

/// What only SQLite has: its file, its daemon lock, its first schema.
@Suite struct SQLiteStateStoreTests {
    // MARK: Bad databases

    @Test func aCorruptDatabaseIsAnErrorNotAReset() throws {
        let path = temporaryDatabase()
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("move it aside") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func aFirstVersionDatabaseIsMigratedWithItsRows() throws {
        let path = temporaryDatabase()
        do {
            let pool = try DatabasePool(path: path)
            try StateStore.migrator.migrate(pool, upTo: "v1")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO ticket_snapshot VALUES ('T-1', 's', 'open', 'normal', NULL, NULL, 1795000000);
                    INSERT INTO transition (ticket_id, at, kind, value) VALUES ('T-1', 1794990000, 'status', 'open');
                    INSERT INTO intent VALUES ('T-1/resolution/0/75%@leads', 'T-1/resolution/0', 'T-1', 'resolution', 0, '75%',
                        'warning', 'leads', 'lead', 0, NULL, NULL, 'held', 1795003600, NULL, 1795000000);
                    INSERT INTO breach VALUES ('T-2/resolution/0', 'acme', 'T-2', 1794999000);
                    """)
            }
        }
        let store = try StateStore(path: path)
        // Every migration ran, in order.
        let applied = try store.pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied.prefix(4) == ["v1", "v2", "v3", "v4"])
        #expect(applied == StateStore.migrator.migrations)
        // Clock outcomes start empty: history before v5 was never recorded.
        #expect(try store.clockOutcomes(countingFrom: Date(timeIntervalSince1970: 0), until: Date(timeIntervalSince1970: 2e9)).isEmpty)
        // Keyed by source since v4: the snapshot says T-1 is source s's.
        #expect(try store.ladderHistory() == ["s:T-1/resolution/0": [LadderRecord(step: "75%", channel: "leads", kind: .warning, isHeld: true)]])
        #expect(try store.heldIntents(dueBy: Date(timeIntervalSince1970: 1_795_003_600)).map(\.id) == ["s:T-1/resolution/0/75%@leads"])
        #expect(try store.breachCounts(since: Date(timeIntervalSince1970: 1_794_990_000)).earlier(customer: "acme", excluding: "s:T-1") == 1)
        // The snapshot came along: the same values again are no change, and the old
        // transition is still the ticket's history.
        var ticket = Ticket(id: "T-1", status: .open, createdAt: Date(timeIntervalSince1970: 1_794_980_000))
        ticket.source = "s"
        #expect(try store.observe([ticket], source: "s", at: Date(timeIntervalSince1970: 1_795_000_060)) == [
            "s:T-1": [TicketEvent(at: Date(timeIntervalSince1970: 1_794_990_000), .status(.open))],
        ])
    }

    @Test func aNewerSchemaIsAnErrorNotAReset() throws {
        let path = temporaryDatabase()
        let store = try StateStore(path: path)
        try store.pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        let error = #expect(throws: StateStoreError.self) { try StateStore(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("v99") == true)
    }

    @Test func aSecondDaemonOnTheSameDatabaseIsRefused() throws {
        let path = temporaryDatabase()
        let first = try StateStore(path: path, exclusive: true)
        let error = #expect(throws: StateStoreError.self) { try StateStore(path: path, exclusive: true) }
        #expect(error?.code == .locked)
        withExtendedLifetime(first) {}
    }
}

/// Silences and silenced intents in the state.
@Suite struct SilenceStoreTests {
    static let silence = Silence(
        id: "0123456789ab", matchers: [.group: ["Billing"], .priority: ["low", "normal"]], mutesBreaches: true,
        reason: "payments incident", createdBy: "dana", startsAt: at("2026-11-20T12:00:00Z"), endsAt: at("2026-11-20T14:00:00Z"))

    @Test(arguments: Backend.allCases) func silencesAreKeptListedAndExpiredOnce(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        try await store.recordSilence(Self.silence)
        #expect(try await subject.open().silences(endingAfter: at("2026-11-20T13:00:00Z")) == [Self.silence])
        #expect(try await store.silences(endingAfter: at("2026-11-20T14:00:00Z")).isEmpty)
        let expired = try #require(try await store.expireSilence(id: Self.silence.id, at: at("2026-11-20T13:00:00Z")))
        #expect(expired.expired && expired.silence.endsAt == at("2026-11-20T13:00:00Z"))
        #expect(expired.silence.matchers == Self.silence.matchers && expired.silence.reason == "payments incident")
        let again = try #require(try await store.expireSilence(id: Self.silence.id, at: at("2026-11-20T13:30:00Z")))
        #expect(!again.expired && again.silence.endsAt == at("2026-11-20T13:00:00Z"))
        #expect(try await store.expireSilence(id: "nope", at: at("2026-11-20T13:30:00Z")) == nil)
        // Latest started first; one without a name or breaches reads back as written.
        let later = Silence(
            id: "fedcba987654", matchers: [.tags: ["payments"]], mutesBreaches: false, reason: "r", createdBy: nil,
            startsAt: at("2026-11-20T13:10:00Z"), endsAt: at("2026-11-20T15:00:00Z"))
        try await store.recordSilence(later)
        #expect(try await store.silences(endingAfter: at("2026-11-20T12:00:00Z")).map(\.id) == [later.id, Self.silence.id])
        #expect(try await subject.open().silences(endingAfter: at("2026-11-20T14:00:00Z")) == [later])
    }

    @Test(arguments: Backend.allCases) func mutedIntentsCountAsFiredAndTheCatchUpReleasesThem(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        var muted = Intent(ticketID: "T-1", source: "desk", metric: .resolution, cycle: 1, step: "breach", kind: .breach,
                           channel: "managers", role: .manager)
        muted.silencing = .muted(Self.silence)
        let held = Intent(ticketID: "T-2", source: "desk", metric: .resolution, cycle: 1, step: "75%", kind: .warning,
                          channel: "leads", notBefore: at("2026-11-20T13:00:00Z"))
        try await store.commit(TickCommit(at: at("2026-11-20T12:30:00Z"), intents: [muted, held]))
        #expect(try await store.ladderHistory()["desk:T-1/resolution/1"] == [
            LadderRecord(step: "breach", channel: "managers", kind: .breach, isSilenced: true, role: .manager),
        ])
        #expect(try await store.silencedMessages(since: at("2026-11-20T12:00:00Z"), until: at("2026-11-20T13:00:00Z")).map(\.count) == [1])
        // The held warning's hours end under the silence; the breach's silence ends.
        try await store.commit(TickCommit(
            at: at("2026-11-20T14:00:00Z"), released: [(muted.id, muted.id)], messages: [
                OutboundMessage(key: muted.id, channel: "managers", subject: "s", text: "t", createdAt: at("2026-11-20T14:00:00Z")),
            ]))
        var commit = TickCommit(at: at("2026-11-20T14:00:00Z"))
        commit.muted = [(held.id, Self.silence)]
        try await store.commit(commit)
        for history in [try await store.ladderHistory(), try await subject.open().ladderHistory()] {
            #expect(history["desk:T-1/resolution/1"]?.map(\.isSilenced) == [false])
            #expect(history["desk:T-2/resolution/1"]?.map { [$0.isSilenced, $0.isHeld] } == [[true, false]])
        }
        let rows = try await subject.strings("SELECT ticket_id || '|' || status || '|' || coalesce(reason, '-') FROM intent ORDER BY ticket_id")
        #expect(rows == ["desk:T-1|queued|silence 0123456789ab: payments incident", "desk:T-2|silenced|silence 0123456789ab: payments incident"])
        let counted = try await store.silencedMessages(since: at("2026-11-20T12:00:00Z"), until: at("2026-11-20T15:00:00Z"))
        #expect(counted.map(\.count) == [1] && counted.map(\.reason) == ["silence 0123456789ab: payments incident"])
    }
}
