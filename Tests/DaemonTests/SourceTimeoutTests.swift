import Foundation
import Synchronization
import Testing
@testable import Daemon
import SLAConfig
import StateStore
import TicketSources
import Transport

/// A source's `timeout` reaches every request it makes: a helpdesk that hangs cost each
/// poll, and `evaluate`, four times 30 s whatever the configuration said.
@Suite struct SourceTimeoutTests {
    /// Answers every request with an empty page, keeping the timeout each one carried.
    final class TimeoutRecorder: HTTPTransport {
        private let timeouts = Mutex<[TimeInterval?]>([])
        var seen: [TimeInterval?] { timeouts.withLock { $0 } }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            timeouts.withLock { $0.append(request.timeout) }
            return HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: Data(#"{"items": []}"#.utf8))
        }
    }

    @Test func aSourcesTimeoutIsEachRequestsAndTheDefaultIsThirtySeconds() async throws {
        let configuration = try Configuration.parse(yaml: """
            sources:
              - { name: quick, type: http-json, url: "https://api.example.com/tickets", items: /items, timeout: 4s }
              - { name: usual, type: http-json, url: "https://api.example.com/tickets", items: /items }
            policies:
              - name: all
                targets: { any: { first_response: 1h } }
            """, file: "slawatch.yaml", baseDirectory: "/tmp")
        let secrets = try configuration.resolveSecrets(environment: [:])
        var seen: [String: [TimeInterval?]] = [:]
        for source in configuration.sources {
            let transport = TimeoutRecorder()
            let reader = try source.reader(secrets: secrets, transport: transport, cursors: InMemoryCursorStore())
            _ = try await reader.poll()
            seen[source.name] = transport.seen
        }
        #expect(seen == ["quick": [4], "usual": [30]])
    }
}
