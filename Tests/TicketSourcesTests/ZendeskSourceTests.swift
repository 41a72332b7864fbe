import Foundation
import SLAEngine
import Testing
@testable import TicketSources

@Suite struct ZendeskSourceTests {
    @Test func exportsPagesWithSideLoadsRetriesAndReportsTheBadRecord() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk.json")
        let clock = VirtualClock()
        let store = InMemoryCursorStore()
        let source = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: clock)

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["101", "102", "104"])
        let t101 = batch.tickets[0]
        #expect(t101.subject == "Card declined")
        #expect(t101.status == .new)
        #expect(t101.priority == .urgent)
        #expect(t101.customer == Customer(id: "9001", name: "Ada Customer", email: "ada@acme.example", timeZone: "Europe/Berlin"))
        #expect(t101.group == "Billing")
        #expect(t101.assignee == "Dana Agent")
        #expect(t101.tags == ["payments", "vip"])
        #expect(t101.channel == "email")
        #expect(t101.url == "\(base)/agent/tickets/101")
        #expect(t101.createdAt == Samples.time("2026-11-17T09:00:00Z"))
        #expect(t101.updatedAt == Samples.time("2026-11-17T09:05:00Z"))
        #expect(t101.firstResponseAt == Samples.time("2026-11-17T09:20:00Z"))
        // The second page replaced 102's first version; its group was not side-loaded.
        let t102 = batch.tickets[1]
        #expect(t102.status == .open)
        #expect(t102.priority == .normal)
        #expect(t102.group == "78")
        #expect(t102.assignee == nil)
        #expect(t102.updatedAt == Samples.time("2026-11-17T13:00:00Z"))
        // Only the first reply counts, not instance 2.
        #expect(batch.tickets[2].status == .pendingCustomer)
        #expect(batch.tickets[2].firstResponseAt == nil)

        #expect(batch.problems.count == 1)
        #expect(batch.problems.first?.recordID == "103")
        #expect(batch.problems.first?.source == "zendesk")
        #expect(batch.problems.first?.description == "zendesk: ticket 103: created_at: \"yesterday\" is not an RFC 3339 time")

        // 429 waited its Retry-After, 500 its backoff (half the 1 s ceiling, no jitter).
        #expect(clock.sleeps == [7, 0.5])
        let requests = try await vendor.records(token)
        #expect(requests.map(\.path) == [
            "/api/v2/incremental/ticket_metric_events.json",
            "/api/v2/incremental/tickets/cursor.json", "/api/v2/incremental/tickets/cursor.json",
            "/api/v2/incremental/tickets/cursor.json", "/api/v2/incremental/tickets/cursor.json",
        ])
        let lookback = Int64(clock.origin.timeIntervalSince1970) - 30 * 86_400
        #expect(requests[0].parameters == ["start_time": String(lookback)])
        #expect(requests[1].parameters == ["start_time": String(lookback), "include": "users,groups,metric_sets"])
        #expect(requests[3].parameters == ["cursor": "c1", "include": "users,groups,metric_sets"])
        let basic = "Basic " + Data("agent@example.com/token:\(Samples.token)".utf8).base64EncodedString()
        #expect(requests.allSatisfy { $0.header("Authorization") == basic && $0.method == "GET" })
        #expect(store.cursor(source: "zendesk") == "c2")
        #expect(store.cursor(source: "zendesk/metric_events") == "1794999000")
    }

    @Test func aNewInstanceResumesFromTheSavedCursorWithTheTicketsItHad() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk.json")
        let clock = VirtualClock()
        let store = InMemoryCursorStore()
        _ = try await ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: clock)
            .poll()
        let before = try await vendor.records(token).count

        // A restart: a new instance on the same store.
        let restarted = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: clock)
        let batch = try await restarted.poll()
        let requests = Array(try await vendor.records(token).dropFirst(before))
        #expect(requests.map(\.parameters) == [
            ["start_time": "1794999000"],
            ["cursor": "c2", "include": "users,groups,metric_sets"],
        ])
        // 101 closed (reported once, with solved_at from its metric set); 102 and 104 come from the saved view.
        #expect(batch.tickets.map(\.id) == ["101", "102", "104"])
        #expect(batch.tickets[0].status == .solved)
        #expect(batch.tickets[0].solvedAt == Samples.time("2026-11-18T08:00:00Z"))
        #expect(batch.tickets[0].firstResponseAt == Samples.time("2026-11-17T09:20:00Z"))
        #expect(store.cursor(source: "zendesk") == "c3")

        // The next poll drops the solved ticket; the others stay.
        let after = try await restarted.poll()
        #expect(after.tickets.map(\.id) == ["102", "104"])
        #expect(after.problems.isEmpty)

        // Nothing changed: the cursor is saved again, the view is not rewritten.
        let viewSaved = store.savedAt(source: "zendesk/view")
        clock.advance(by: 60)
        _ = try await restarted.poll()
        #expect(store.savedAt(source: "zendesk/view") == viewSaved)
        #expect(store.savedAt(source: "zendesk") == clock.date())
    }

    @Test func overlappingPollsTakeTurns() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk.json")
        let source = ZendeskSource(
            settings: Samples.zendesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport, clock: VirtualClock())
        async let first = source.poll()
        async let second = source.poll()
        let batches = try await [first, second]
        #expect(batches.map { $0.tickets.count }.sorted() == [3, 3])
        // The second poll started from the cursor the first saved.
        let cursors = try await vendor.records(token).compactMap { $0.parameters["cursor"] }
        #expect(cursors == ["c1", "c1", "c2"])
    }

    @Test func anEmptyStreamHasNoTicketsAndSavesItsCursor() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("zendesk_empty.json")
        let store = InMemoryCursorStore()
        let source = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: VirtualClock())
        let batch = try await source.poll()
        #expect(batch.tickets.isEmpty)
        #expect(batch.problems.isEmpty)
        #expect(store.cursor(source: "zendesk") == "MTc5NTAwMDAwMHx8")
    }

    @Test func serverErrorsAreRetriedThenThrownWithoutSecrets() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk_failing.json")
        let clock = VirtualClock()
        let source = ZendeskSource(
            settings: Samples.zendesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport, clock: clock)
        let error = try await #require(throws: SourceError.self) { try await source.poll() }
        #expect(error.code == .serverError)
        #expect(error.status == 503)
        #expect(error.recoverable)
        #expect(error.host == "127.0.0.1")
        // Four attempts, backoff 0.5, 1, 2 s between them.
        #expect(clock.sleeps == [0.5, 1, 2])
        #expect(try await vendor.records(token).count == 4)
        #expect(error.description.hasPrefix("zendesk (127.0.0.1): server_error: HTTP 503 after 4 attempts"))
        #expect(error.description.contains("auth=Basic <secret>"))
        for secret in Samples.secrets + [Data("agent@example.com/token:\(Samples.token)".utf8).base64EncodedString()] {
            #expect(!error.description.contains(secret))
        }
    }
}
