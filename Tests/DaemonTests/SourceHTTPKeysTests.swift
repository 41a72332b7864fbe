import Foundation
import Synchronization
import Testing
@testable import Daemon
import SLAConfig
import StateStore
import TicketSources
import Transport

/// A source's `timeout` and `max_pages` reach its requests: a helpdesk that hangs cost
/// each poll, and `evaluate`, four times 30 s whatever the configuration said, and an API
/// with small pages could never be read past 500 of them.
@Suite struct SourceHTTPKeysTests {
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

    /// Every page names a next one, as an API with many small pages does.
    final class EndlessPages: HTTPTransport {
        private let count = Mutex(0)
        var pages: Int { count.withLock { $0 } }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let page = count.withLock { count in
                count += 1
                return count
            }
            let body = #"{"items": [], "next": "https://api.example.com/tickets?page=\#(page + 1)"}"#
            return HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: Data(body.utf8))
        }
    }

    @Test func maxPagesBoundsAPollAndItsErrorSaysToRaiseIt() async throws {
        let configuration = try Configuration.parse(yaml: """
            sources:
              - { name: api, type: http-json, url: "https://api.example.com/tickets", items: /items, next: /next, max_pages: 7 }
            policies:
              - name: all
                targets: { any: { first_response: 1h } }
            """, file: "slawatch.yaml", baseDirectory: "/tmp")
        let transport = EndlessPages()
        let reader = try configuration.sources[0].reader(
            secrets: try configuration.resolveSecrets(environment: [:]), transport: transport, cursors: InMemoryCursorStore())
        let error = await #expect(throws: SourceError.self) { try await reader.poll() }
        #expect(transport.pages == 7)
        #expect(error?.message.hasPrefix("more than 7 pages") == true && error?.message.hasSuffix("or raise max_pages") == true,
                "\(String(describing: error))")
    }
}
