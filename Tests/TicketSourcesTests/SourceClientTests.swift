import Foundation
import Testing
@testable import TicketSources
import Transport

/// The retry and pacing rules every API source shares.
@Suite struct SourceClientTests {
    static func client(_ transport: ScriptedTransport, _ clock: VirtualClock) -> SourceClient {
        SourceClient(
            source: "s", transport: transport, clock: clock, settings: Samples.http,
            authorization: SourceClient.basic(user: "u", password: Samples.token), secrets: [Samples.token])
    }

    static let ok = ScriptedTransport.Answer.status(200, [], "[]")

    /// One GET on a copy of `client`.
    static func get(_ client: SourceClient, _ url: String) async throws(SourceError) {
        var client = client
        _ = try await client.send(.get, url)
    }

    @Test func timeoutsAreRetriedWithBackoffThenReported() async throws {
        let transport = ScriptedTransport([.failure(.timeout)])
        let clock = VirtualClock()
        let client = SourceClientTests.client(transport, clock)
        let error = try await #require(throws: SourceError.self) { try await SourceClientTests.get(client, "https://help.example.com/api?k=v") }
        #expect(error.code == .timeout)
        #expect(error.recoverable)
        #expect(error.host == "help.example.com")
        #expect(error.message.hasSuffix("(after 4 attempts)"))
        #expect(clock.sleeps == [0.5, 1, 2])
        #expect(transport.requests.count == 4)
        #expect(transport.requests.allSatisfy { $0.timeout == 30 })
    }

    @Test func tlsFailuresAreNotRetried() async throws {
        let transport = ScriptedTransport([.failure(.tls)])
        let client = SourceClientTests.client(transport, VirtualClock())
        let error = try await #require(throws: SourceError.self) { try await SourceClientTests.get(client, "https://help.example.com/") }
        #expect(error.code == .tls)
        #expect(transport.requests.count == 1)
    }

    @Test func aRetryAfterLongerThanAllowedFailsAtOnce() async throws {
        let transport = ScriptedTransport([.status(429, [HTTPHeader("Retry-After", "3600")], "")])
        let clock = VirtualClock()
        let client = SourceClientTests.client(transport, clock)
        let error = try await #require(throws: SourceError.self) { try await SourceClientTests.get(client, "https://help.example.com/") }
        #expect(error.code == .rateLimited)
        #expect(error.retryAfter == 3600)
        #expect(error.message.contains("asks to wait 3600 s"))
        #expect(clock.sleeps.isEmpty)
    }

    @Test(arguments: [
        // Zendesk: seconds until the reset.
        ([HTTPHeader("ratelimit-remaining", "1"), HTTPHeader("ratelimit-reset", "30")], [30.0]),
        // Epoch seconds (the virtual clock starts at 1 795 000 000).
        ([HTTPHeader("X-RateLimit-Remaining", "0"), HTTPHeader("X-RateLimit-Reset", "1795000045")], [45.0]),
        // Jira: an RFC 3339 instant.
        ([HTTPHeader("X-RateLimit-Remaining", "2"), HTTPHeader("X-RateLimit-Reset", "2026-11-18T11:07:00Z")], [20.0]),
        // No reset header: the configured pause.
        ([HTTPHeader("X-RateLimit-Remaining", "2")], [10.0]),
        // A reset beyond the longest wait allowed is capped.
        ([HTTPHeader("X-RateLimit-Remaining", "1"), HTTPHeader("X-RateLimit-Reset", "900")], [120.0]),
        // Budget left: no pause.
        ([HTTPHeader("X-RateLimit-Remaining", "3"), HTTPHeader("X-RateLimit-Reset", "30")], []),
    ] as [([HTTPHeader], [Double])])
    func aLowBudgetPausesTheNextRequest(headers: [HTTPHeader], sleeps: [Double]) async throws {
        let transport = ScriptedTransport([.status(200, headers, "[]"), SourceClientTests.ok])
        let clock = VirtualClock()
        var client = SourceClientTests.client(transport, clock)
        _ = try await client.send(.get, "https://help.example.com/1")
        #expect(clock.sleeps.isEmpty)
        _ = try await client.send(.get, "https://help.example.com/2")
        #expect(clock.sleeps == sleeps)
    }

    @Test(arguments: [
        (401, SourceError.Code.authentication), (403, .authentication), (404, .notFound), (400, .clientError),
        (301, .clientError), (422, .clientError),
    ])
    func clientErrorsAreNotRetried(status: Int, code: SourceError.Code) async throws {
        let transport = ScriptedTransport([.status(status, [], "{\"error\": \"token \(Samples.token) refused\"}")])
        let client = SourceClientTests.client(transport, VirtualClock())
        let error = try await #require(throws: SourceError.self) { try await SourceClientTests.get(client, "https://help.example.com/") }
        #expect(error.code == code)
        #expect(!error.recoverable)
        #expect(error.status == status)
        #expect(transport.requests.count == 1)
        #expect(error.message.contains("token <secret> refused"))
    }

    /// A vendor source's refusal names the path it asked for, which the source wrote: a 404
    /// otherwise left the reader to guess which endpoint. Never the query; never for a
    /// source whose URL is the configuration's secret.
    @Test func aVendorsRefusalNamesThePathAskedForButNoQuery() async throws {
        let url = "https://help.example.com/api/v2/tickets/\(Samples.token)/tags.json?key=\(Samples.token)&page=2"
        let vendor = SourceClient(
            source: "s", transport: ScriptedTransport([.status(404, [], "")]), clock: VirtualClock(), settings: Samples.http,
            authorization: nil, secrets: [Samples.token], showsPaths: true)
        let named = try await #require(throws: SourceError.self) { try await SourceClientTests.get(vendor, url) }
        #expect(named.message.hasPrefix("HTTP 404 (GET /api/v2/tickets/<secret>/tags.json): no such resource"), "\(named.message)")
        #expect(!named.message.contains("page=2"))
        let plain = SourceClientTests.client(ScriptedTransport([.status(404, [], "")]), VirtualClock())
        let unnamed = try await #require(throws: SourceError.self) { try await SourceClientTests.get(plain, url) }
        #expect(unnamed.message.hasPrefix("HTTP 404: no such resource"), "\(unnamed.message)")
    }

    @Test func redactionBlanksAuthorizationValuesAnywhere() {
        let client = SourceClientTests.client(ScriptedTransport([SourceClientTests.ok]), VirtualClock())
        #expect(client.redact("got Authorization: Bearer abc.def, and Token token=xyz") ==
            "got Authorization: Bearer <secret>, and Token token=<secret>")
        #expect(client.redact("key \(Samples.token)!") == "key <secret>!")
    }

    @Test(arguments: [
        (#"<https://a.example/t?page=2>; rel="next""#, "https://a.example/t?page=2"),
        (#"<https://a.example/t?page=1>; rel="prev", <https://a.example/t?page=3>; rel="next""#, "https://a.example/t?page=3"),
        (#"<https://a.example/t?page=9>; rel="last""#, nil),
        (#"<https://a.example/t?page=2>;rel=next"#, "https://a.example/t?page=2"),
    ] as [(String, String?)])
    func linkHeadersGiveTheNextPage(header: String, next: String?) {
        #expect(LinkHeader.target(header) == next)
    }

    @Test(arguments: [
        ("page2", "https://a.example/api/v2/page2"),
        ("/other?x=1", "https://a.example/other?x=1"),
        ("https://a.example:443/api/p3", "https://a.example:443/api/p3"),
        ("https://evil.example/api/p3", nil),
        ("http://a.example/api/p3", nil),
        ("https://a.example:8443/api/p3", nil),
        ("ftp://a.example/x", nil),
    ] as [(String, String?)])
    func nextPagesStayOnTheConfiguredHost(next: String, resolved: String?) {
        #expect(PageURL.resolve(next, against: "https://a.example/api/v2/tickets?page=1", base: "https://a.example/api") == resolved)
    }
}
