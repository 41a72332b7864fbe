import Foundation
import SLAEngine
import Testing
@testable import TicketSources
import Transport

/// No token, API key, password or encoded credential shows in any error, problem,
/// description or dump, even when a service echoes the request back.
@Suite struct CredentialTests {
    static let queryKey = "hj-QUERYKEY-5551234567"

    static var forbidden: [String] {
        Samples.secrets + [
            queryKey,
            Data("agent@example.com/token:\(Samples.token)".utf8).base64EncodedString(),
            Data("\(Samples.apiKey):X".utf8).base64EncodedString(),
            Data("bot@example.com:\(Samples.jiraToken)".utf8).base64EncodedString(),
            Data("reader:\(Samples.password)".utf8).base64EncodedString(),
        ]
    }

    static func texts(of value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    @Test func noCredentialAppearsAnywhere() async throws {
        let vendor = try await FakeVendor.shared()
        let transport = vendor.transport
        var texts: [String] = []
        func failure(_ run: () async throws -> Void) async {
            do {
                try await run()
                Issue.record("expected a failure")
            } catch {
                texts += CredentialTests.texts(of: error)
            }
        }

        let zendeskBase = try await vendor.load("zendesk_failing.json").base
        let zendesk = ZendeskSource(
            settings: Samples.zendesk(zendeskBase), cursors: InMemoryCursorStore(), transport: transport, clock: VirtualClock())
        await failure { _ = try await zendesk.poll() }
        var noMetrics = Samples.zendesk(zendeskBase)
        noMetrics.firstResponse = .none
        await failure {
            _ = try await ZendeskSource(settings: noMetrics, cursors: InMemoryCursorStore(), transport: transport, clock: VirtualClock())
                .poll()
        }

        let writersBase = try await vendor.load("writers.json").base
        let freshdeskWriter = FreshdeskWriter(settings: Samples.freshdesk(writersBase), transport: transport, clock: VirtualClock())
        await failure { try await freshdeskWriter.setPriority("44", .high) }

        let apiBase = try await vendor.load("httpjson.json").base
        var basicJSON = Samples.httpJSON("\(apiBase)/secretive?api_key=\(CredentialTests.queryKey)")
        basicJSON.authentication = .basic(username: "reader", password: Secret(Samples.password))
        let basicSource = try HTTPJSONSource(settings: basicJSON, transport: transport, clock: VirtualClock())
        await failure { _ = try await basicSource.poll() }
        let bearerSource = try HTTPJSONSource(
            settings: Samples.httpJSON("\(apiBase)/secretive?api_key=\(CredentialTests.queryKey)"), transport: transport,
            clock: VirtualClock())
        await failure { _ = try await bearerSource.poll() }

        // Connection failures, from every source, on a port nothing listens on.
        let closed = "http://127.0.0.1:9/x"
        let quick = SourceHTTPSettings(retry: RetryPolicy(maxAttempts: 1), random: { 0 })
        var jira = Samples.jira(closed)
        jira.http = quick
        var zammad = Samples.zammad(closed)
        zammad.http = quick
        var freshdesk = Samples.freshdesk(closed)
        freshdesk.http = quick
        let jiraSource = JiraSource(settings: jira, transport: transport)
        let zammadSource = ZammadSource(settings: zammad, transport: transport)
        let freshdeskSource = FreshdeskSource(settings: freshdesk, cursors: InMemoryCursorStore(), transport: transport)
        await failure { _ = try await jiraSource.poll() }
        await failure { _ = try await zammadSource.poll() }
        await failure { _ = try await freshdeskSource.poll() }

        // Problems, settings, sources and writers.
        let good = try await vendor.load("zendesk.json").base
        let batch = try await ZendeskSource(
            settings: Samples.zendesk(good), cursors: InMemoryCursorStore(), transport: transport, clock: VirtualClock()
        ).poll()
        #expect(!batch.problems.isEmpty)
        for problem in batch.problems { texts += CredentialTests.texts(of: problem) }
        let values: [Any] = [
            Samples.zendesk(good), Samples.freshdesk(good), jira, zammad, basicJSON, zendesk, jiraSource, zammadSource,
            freshdeskSource, basicSource, freshdeskWriter, ZendeskWriter(settings: Samples.zendesk(good), transport: transport),
        ]
        for value in values { texts += CredentialTests.texts(of: value) }

        #expect(texts.count > 40)
        for text in texts {
            for secret in CredentialTests.forbidden {
                #expect(!text.contains(secret), "\(secret) shows in: \(text)")
            }
        }
        // The errors still say where: the source and the host.
        #expect(texts.contains { $0.hasPrefix("zendesk (127.0.0.1): server_error") })
        #expect(texts.contains { $0.hasPrefix("zendesk (127.0.0.1): authentication: HTTP 401") })
        #expect(texts.contains { $0.hasPrefix("api (127.0.0.1): client_error: HTTP 400") })
        #expect(texts.contains { $0.hasPrefix("jira (127.0.0.1): connection") })
    }
}
