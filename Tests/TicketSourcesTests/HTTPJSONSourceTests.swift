import Foundation
import SLAEngine
import Testing
@testable import TicketSources
import Transport

@Suite struct HTTPJSONSourceTests {
    @Test func readsItemsByPointerAndFollowsARelativeNext() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("httpjson.json")
        let clock = VirtualClock()
        let source = try HTTPJSONSource(
            settings: Samples.httpJSON("\(base)/tickets?view=open"), transport: vendor.transport, clock: clock)

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["H-1", "2", "H-5"])
        let h1 = batch.tickets[0]
        #expect(h1.subject == "One")
        #expect(h1.status == .pendingCustomer)
        #expect(h1.priority == .urgent)
        #expect(h1.group == "Ops")
        #expect(h1.customer == Customer(id: "77", email: "x@y.example"))
        #expect(h1.tags == ["a", "b"])
        #expect(h1.updatedAt == Samples.time("2026-11-17T09:00:00Z"))
        // Missing fields take their defaults.
        let h2 = batch.tickets[1]
        #expect(h2 == Ticket(id: "2", createdAt: Samples.time("2026-11-17T09:00:00Z")))
        // Epoch seconds and canonical events.
        let h5 = batch.tickets[2]
        #expect(h5.createdAt == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(h5.status == .pendingCustomer)
        #expect(h5.events == [TicketEvent(at: Samples.time("2026-11-18T11:10:00Z"), .agentReply(isPublic: true))])

        #expect(batch.problems.map(\.description) == [
            "api: missing id (/key)",
            "api: ticket H-4: created_at (/fields/created): \"soon\" is not an RFC 3339 time",
            "api: ticket H-6: status \"limbo\" is not known; map it onto one of new, open, pending_customer, on_hold, solved, closed with status_map",
        ])
        #expect(clock.sleeps == [1])
        let requests = try await vendor.records(token)
        #expect(requests.map(\.parameters) == [["view": "open"], ["view": "open", "cursor": "p2"], ["view": "open", "cursor": "p2"]])
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(Samples.bearer)" })
    }

    @Test func aNextPageOnAnotherHostIsNotFollowed() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("httpjson.json")
        let source = try HTTPJSONSource(settings: Samples.httpJSON("\(base)/elsewhere"), transport: vendor.transport)
        let error = try await #require(throws: SourceError.self) { try await source.poll() }
        #expect(error.code == .badResponse)
        #expect(!error.description.contains("example.invalid"))
    }

    @Test func badPointersAndUnknownFieldsAreSettingsErrors() throws {
        var settings = Samples.httpJSON("http://127.0.0.1:1/x")
        settings.fields["id"] = "key"
        let bad = try #require(throws: SourceError.self) { try HTTPJSONSource(settings: settings, transport: NoTransport()) }
        #expect(bad.code == .invalidSettings)
        #expect(bad.message.contains("fields.id: \"key\" is not a JSON Pointer"))
        settings.fields = ["customer.phone": "/phone"]
        let unknown = try #require(throws: SourceError.self) { try HTTPJSONSource(settings: settings, transport: NoTransport()) }
        #expect(unknown.message.hasPrefix("fields.customer.phone is not a canonical field"))
        settings.fields = [:]
        settings.items = "/a/~2"
        #expect(throws: SourceError.self) { try HTTPJSONSource(settings: settings, transport: NoTransport()) }
    }

    @Test(arguments: [
        ("", #"{"a":1}"#, #"{"a":1}"#),
        ("/a/b", #"{"a":{"b":"x"}}"#, #""x""#),
        ("/a~1b", #"{"a/b":2}"#, "2"),
        ("/m~0n", #"{"m~n":3}"#, "3"),
        ("/list/1", #"{"list":[5,6]}"#, "6"),
        ("/list/01", #"{"list":[5,6]}"#, nil),
        ("/list/-", #"{"list":[5,6]}"#, nil),
        ("/", #"{"":7}"#, "7"),
        ("/missing", #"{"a":1}"#, nil),
    ] as [(String, String, String?)])
    func jsonPointersFollowRFC6901(pointer: String, document: String, expected: String?) throws {
        let parsed = try #require(JSONPointer(pointer))
        let node = try #require(JSONValue.parse(Data(document.utf8)))
        let want = expected.flatMap { JSONValue.parse(Data($0.utf8)) }
        #expect(parsed.resolve(in: node) == want)
    }
}
