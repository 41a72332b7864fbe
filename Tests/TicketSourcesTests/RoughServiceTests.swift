import Foundation
import SLAEngine
import Testing
@testable import TicketSources
import Transport

/// Every source against a service that is rate limited, then failing, then empty; and one
/// that refuses the request with an error body.
@Suite struct RoughServiceTests {
    enum Vendor: String, CaseIterable, Sendable {
        case zendesk, freshdesk, jira, zammad, httpjson
    }

    static func source(_ vendor: Vendor, _ url: String, transport: CurlTransport, clock: VirtualClock) throws -> any TicketSource {
        switch vendor {
        case .zendesk:
            return ZendeskSource(settings: Samples.zendesk(url), cursors: InMemoryCursorStore(), transport: transport, clock: clock)
        case .freshdesk:
            return FreshdeskSource(settings: Samples.freshdesk(url), cursors: InMemoryCursorStore(), transport: transport, clock: clock)
        case .jira:
            return JiraSource(settings: Samples.jira(url), transport: transport, clock: clock)
        case .zammad:
            return ZammadSource(settings: Samples.zammad(url), transport: transport, clock: clock)
        case .httpjson:
            return try HTTPJSONSource(settings: Samples.httpJSON("\(url)/tickets?view=open"), transport: transport, clock: clock)
        }
    }

    @Test(arguments: Vendor.allCases)
    func rateLimitedThenFailingThenEmpty(vendor: Vendor) async throws {
        let fake = try await FakeVendor.shared()
        let (token, base) = try await fake.load("rough_\(vendor.rawValue).json")
        let clock = VirtualClock()
        let batch = try await RoughServiceTests.source(vendor, "\(base)/rough", transport: fake.transport, clock: clock).poll()
        #expect(batch.tickets.isEmpty)
        #expect(batch.problems.isEmpty)
        // Retry-After 4 s, then the backoff after the second attempt: half its 2 s ceiling.
        #expect(clock.sleeps == [4, 1])
        // The listing itself was asked three times: 429, 500, 200 (Freshdesk's deleted and spam
        // lists, asked after it, are not counted).
        let lookups = ["ticket_metric_events.json", "ticket_states", "ticket_priorities"]
        let listing = try await fake.records(token).filter { $0.parameters["filter"] == nil }.map(\.path)
            .filter { path in !lookups.contains { path.hasSuffix($0) } }
        #expect(listing.count == 3)
    }

    @Test(arguments: [
        (Vendor.zendesk, 422, "start_time is too recent"),
        (.freshdesk, 400, "It should be in the 'valid date time' format"),
        (.jira, 400, "Error in the JQL Query: Expecting operator but got 'SUP'."),
        (.zammad, 422, "Search query could not be parsed"),
        (.httpjson, 400, "unknown view 'open'"),
    ])
    func aRefusalIsNotRetriedAndQuotesTheService(vendor: Vendor, status: Int, quote: String) async throws {
        let fake = try await FakeVendor.shared()
        let (token, base) = try await fake.load("rough_\(vendor.rawValue).json")
        let clock = VirtualClock()
        let source = try RoughServiceTests.source(vendor, "\(base)/refusing", transport: fake.transport, clock: clock)
        let error = try await #require(throws: SourceError.self) { _ = try await source.poll() }
        #expect(error.code == .clientError)
        #expect(error.status == status)
        #expect(!error.recoverable)
        #expect(error.description.hasPrefix("\(source.name) (127.0.0.1): client_error: HTTP \(status)"))
        #expect(error.message.contains("the service refused the request"))
        // A vendor's path is named; an http_json URL, which may carry a key, is not.
        #expect(error.message.contains(" /\(token)/refusing/") == (vendor != .httpjson), "\(error.message)")
        #expect(error.message.contains(quote))
        #expect(clock.sleeps.isEmpty)
        let requests = try await fake.records(token)
        #expect(Set(requests.map(\.path)).count == requests.count)
    }
}
