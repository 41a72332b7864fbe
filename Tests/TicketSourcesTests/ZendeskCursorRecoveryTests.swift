import Foundation
import SLAEngine
import Testing
@testable import TicketSources

@Suite struct ZendeskCursorRecoveryTests {
    /// A view saved by an earlier run: 301 and 302 held, 300 dropped after it was solved.
    static let savedView = """
        {"tickets": [
          {"id": "301", "subject": "Old one", "customer": {"id": "9001"}, "priority": "normal", "status": "open",
           "tags": [], "created_at": "2026-11-18T08:00:00Z", "updated_at": "2026-11-18T09:00:00Z", "events": []},
          {"id": "302", "subject": "Quiet", "customer": {"id": "9002"}, "priority": "low", "status": "open",
           "tags": [], "created_at": "2026-11-18T07:30:00Z", "updated_at": "2026-11-18T08:00:00Z", "events": []}],
         "settled": [], "dropped": [{"id": "300", "updated_at": "2026-11-18T09:30:00Z"}]}
        """

    @Test func aRefusedCursorRestartsTheExportFromTheViewInTheSamePoll() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk_cursor.json")
        let store = InMemoryCursorStore([
            "zendesk": "stale-cursor", "zendesk/metric_events": "1794999000", "zendesk/view": Self.savedView,
        ])
        let source = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: VirtualClock())

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["302", "301", "303"])
        #expect(batch.tickets[1].status == .pendingCustomer)
        #expect(batch.tickets[1].updatedAt == Samples.time("2026-11-18T10:00:00Z"))
        #expect(batch.problems.map(\.description) == [
            "zendesk: Zendesk refused the saved export cursor (HTTP 422 (GET /\(token)/api/v2/incremental/tickets/cursor.json): "
                + "the service refused the request (the service said: "
                + "{\"error\": \"InvalidValue\", \"description\": \"Cursor is invalid or has expired\"})); dropped it and "
                + "restarted the export from 2026-11-18T09:25:00Z, 5 minutes before the latest change the view holds",
        ])
        // The latest change held is 300's (dropped, 09:30); five minutes before is 09:25:00Z.
        let requests = try await vendor.records(token)
        #expect(requests.map(\.parameters) == [
            ["start_time": "1794999000"],
            ["cursor": "stale-cursor", "include": "users,groups,metric_sets"],
            ["start_time": "1794993900", "include": "users,groups,metric_sets"],
        ])
        #expect(store.cursor(source: "zendesk") == "fresh")

        // The next poll goes on from the new cursor and says nothing more.
        let next = try await source.poll()
        #expect(next.problems.isEmpty)
        #expect(try await vendor.records(token).last?.parameters["cursor"] == "fresh")
    }

    @Test func withAnEmptyViewTheRestartUsesTheInitialLookback() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk_cursor.json")
        let store = InMemoryCursorStore(["zendesk": "stale-cursor"])
        let source = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: VirtualClock())

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["304"])
        #expect(batch.problems.count == 1)
        #expect(batch.problems.first?.description.hasSuffix(
            "restarted the export from 2026-10-19T11:06:40Z, now less the initial lookback, the view being empty") == true)
        #expect(try await vendor.records(token).last?.parameters["start_time"] == "1792408000")
        #expect(store.cursor(source: "zendesk") == "fresh-from-lookback")
    }

    @Test func otherRefusalsStillFailThePoll() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk_cursor.json")
        let store = InMemoryCursorStore(["zendesk": "locked-out"])
        let source = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: VirtualClock())

        let error = try await #require(throws: SourceError.self) { try await source.poll() }
        #expect(error.code == .authentication)
        #expect(try await vendor.records(token).count == 2)
        #expect(store.cursor(source: "zendesk") == "locked-out")
    }
}
