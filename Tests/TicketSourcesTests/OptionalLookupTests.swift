import Delivery
import Foundation
import SLAEngine
import Testing
@testable import TicketSources

/// A source's optional endpoint refused: the poll goes on without it, says so once, and
/// once more when it is back.
@Suite struct OptionalLookupTests {
    @Test func zendeskPollsTicketsWhenTheMetricEventsAreRefused() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk_metric_refused.json")
        let source = ZendeskSource(
            settings: Samples.zendesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport, clock: VirtualClock())

        let first = try await source.poll()
        #expect(first.tickets.map(\.id).sorted() == ["201", "202"])
        // The metric set's reply time: 30 calendar minutes after creation.
        #expect(first.tickets.first { $0.id == "201" }?.firstResponseAt == Samples.time("2026-11-17T09:30:00Z"))
        #expect(first.tickets.first { $0.id == "202" }?.firstResponseAt == nil)
        #expect(first.problems.count == 1)
        let told = try #require(first.problems.first)
        #expect(told.recordID == nil)
        #expect(told.message.contains("reply history (ticket metric events) is unavailable"))
        #expect(told.message.contains("HTTP 403"))
        #expect(told.message.contains("next_reply has no cycles"))
        #expect(!told.message.contains(Samples.token))

        let second = try await source.poll()
        #expect(second.tickets.count == 2)
        #expect(second.problems.isEmpty)

        // Back: the exact first response replaces nothing later than it, and recovery is told once.
        let third = try await source.poll()
        #expect(third.problems.map(\.message) == ["the reply history (ticket metric events) is available again"])
        #expect(third.tickets.first { $0.id == "201" }?.firstResponseAt == Samples.time("2026-11-17T09:29:10Z"))
        let fourth = try await source.poll()
        #expect(fourth.problems.isEmpty)
        // Every poll tried the endpoint again.
        let asked = try await vendor.records(token).filter { $0.path.hasSuffix("ticket_metric_events.json") }
        #expect(asked.count == 4)
    }
}
