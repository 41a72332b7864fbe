import Foundation
import SLAEngine
import Testing
@testable import TicketSources

@Suite struct TicketWriterTests {
    @Test func zendeskSetsPriorityAndAddsTagsWithPUT() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("writers.json")
        let clock = VirtualClock()
        let writer = ZendeskWriter(settings: Samples.zendesk(base), transport: vendor.transport, clock: clock)

        try await writer.setPriority("42", .high)
        try await writer.addTag("42", "sla-breach")

        let requests = try await vendor.records(token)
        #expect(requests.map { "\($0.method) \($0.path)" } == [
            "PUT /api/v2/tickets/42.json", "PUT /api/v2/tickets/42/tags.json", "PUT /api/v2/tickets/42/tags.json",
        ])
        #expect(requests[0].body == #"{"ticket":{"priority":"high"}}"#)
        #expect(requests[2].body == #"{"tags":["sla-breach"]}"#)
        #expect(requests.allSatisfy { $0.header("Content-Type") == "application/json" })
        let basic = "Basic " + Data("agent@example.com/token:\(Samples.token)".utf8).base64EncodedString()
        #expect(requests.allSatisfy { $0.header("Authorization") == basic })
        // The 429 on the tag waited its Retry-After.
        #expect(clock.sleeps == [2])
    }

    @Test func zendeskReportsAnUnknownTicketAsNotFound() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("writers.json")
        let writer = ZendeskWriter(settings: Samples.zendesk(base), transport: vendor.transport, clock: VirtualClock())
        let error = try await #require(throws: SourceError.self) { try await writer.setPriority("404", .urgent) }
        #expect(error.code == .notFound)
        #expect(error.status == 404)
        #expect(!error.recoverable)
        #expect(error.description.hasPrefix("zendesk (127.0.0.1): not_found: HTTP 404 (PUT /"), "\(error)")
        #expect(error.description.contains("/api/v2/tickets/404.json): no such resource"), "\(error)")
        // Not a ticket number: refused before any request.
        let bad = try await #require(throws: SourceError.self) { try await writer.addTag("../users/1", "x") }
        #expect(bad.code == .clientError)
    }

    @Test func freshdeskSetsPriorityCodesAndMergesTagsItReadFirst() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("writers.json")
        let writer = FreshdeskWriter(settings: Samples.freshdesk(base), transport: vendor.transport, clock: VirtualClock())

        try await writer.setPriority("42", .urgent)
        try await writer.setPriority("42", .low)
        try await writer.addTag("42", "sla-breach")
        // Ticket 43 has the tag already: read, no write.
        try await writer.addTag("43", "sla-breach")

        let requests = try await vendor.records(token)
        #expect(requests.map { "\($0.method) \($0.path)" } == [
            "PUT /api/v2/tickets/42", "PUT /api/v2/tickets/42", "GET /api/v2/tickets/42", "PUT /api/v2/tickets/42",
            "GET /api/v2/tickets/43",
        ])
        #expect(requests[0].body == #"{"priority":4}"#)
        #expect(requests[1].body == #"{"priority":1}"#)
        #expect(requests[3].body == #"{"tags":["vip","sla-breach"]}"#)
        let basic = "Basic " + Data("\(Samples.apiKey):X".utf8).base64EncodedString()
        #expect(requests.allSatisfy { $0.header("Authorization") == basic })
    }

    @Test func freshdeskReportsARefusalAsAuthenticationWithoutTheKey() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("writers.json")
        let writer: any TicketWriter = FreshdeskWriter(
            settings: Samples.freshdesk(base), transport: vendor.transport, clock: VirtualClock())
        let error = try await #require(throws: SourceError.self) { try await writer.setPriority("44", .high) }
        #expect(error.code == .authentication)
        #expect(error.message.contains("auth=Basic <secret>"))
        #expect(!error.description.contains(Samples.apiKey))
        #expect(!error.description.contains(Data("\(Samples.apiKey):X".utf8).base64EncodedString()))
    }
}
