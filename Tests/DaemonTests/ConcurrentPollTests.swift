import Foundation
import Logging
import Testing
@testable import Daemon
import Delivery
import SLAConfig
import SLAEngine
import StateStore
import TestSupport
import TicketSources
import Transport

/// Sources are polled at once, and a slow one does not hold up the tick: its poll goes on
/// in the background, the loop wakes when it ends, and the next tick takes its tickets.
@Suite struct ConcurrentPollTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-polls-\(UUID())")
    let start = Timestamp(rfc3339: "2026-11-20T12:05:00Z")!.date
    /// The ticket sources' fake helpdesk, with a scenario that answers after 2 s.
    static let vendorFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../TicketSourcesTests/Fixtures").standardized

    func yaml(base: String) -> String {
        """
        state: state.db
        poll_interval: 60s
        sources:
          - { name: desk, type: file, path: tickets.json }
          - name: slow
            type: http-json
            url: \(base)/tickets
            items: /items
            fields: { id: /id, status: /status, created_at: /created_at, customer.id: /customer }
        policies:
          - name: all
            targets: { any: { first_response: 1h } }
        teams:
          default: { lead: [leads] }
        ladders:
          default:
            - { at: breach, notify: lead }
        channels:
          leads: { type: log, path: leads.jsonl }
        """
    }

    @Test func aSlowSourceFinishesInTheBackgroundWhileTheTickGoesOn() async throws {
        let helpdesk = try await FixtureProcess.start("vendor_server.py", in: Self.vendorFixtures)
        defer { helpdesk.stop() }
        let transport = try CurlTransport()
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let loaded = try await transport.send(HTTPRequest(
            method: .post, url: Secret("http://127.0.0.1:\(helpdesk.port)/_load/\(token)?file=vendors/slow_httpjson.json")))
        #expect(loaded.status == 204)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            [{"id": "D-1", "status": "open", "customer": {"id": "d"}, "created_at": "2026-11-20T12:00:00Z"}]
            """.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let configuration = try Configuration.parse(yaml: yaml(base: "http://127.0.0.1:\(helpdesk.port)/\(token)"), file: "slawatch.yaml", baseDirectory: directory.path)
        let store = try StateStore(path: configuration.state)
        let secrets = try configuration.resolveSecrets(environment: [:])
        let watcher = Watcher(
            configuration: configuration, templates: try MessageTemplates(directory: nil), store: store,
            sources: try configuration.sources.map { source in
                Watcher.Source(config: source, reader: try source.reader(secrets: secrets, transport: transport, cursors: store))
            },
            dispatcher: nil,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )

        // The helpdesk takes 2 s to answer; the tick waits 0.2 s and goes on with the file's ticket.
        let first = try await watcher.tick(at: start, pollWait: .milliseconds(200))
        #expect(first.pollsRunning == ["slow"])
        #expect(first.tickets == 1)
        #expect(first.pollDurations.keys.sorted() == ["desk"])

        // The daemon's loop wakes when the running poll ends; the next tick, within the poll
        // interval, polls nothing again and takes it without waiting.
        await watcher.runningPollFinished()
        let second = try await watcher.tick(at: start + 30, pollWait: .zero)
        #expect(second.pollsRunning.isEmpty)
        #expect(second.tickets == 2)
        #expect(second.pollDurations.keys.sorted() == ["slow"])
        #expect(second.pollErrors.isEmpty)

        // Without a bound (`run --once`), a tick waits for every poll it starts.
        let third = try await watcher.tick(at: start + 90, pollWait: nil)
        #expect(third.pollsRunning.isEmpty)
        #expect(third.pollDurations.keys.sorted() == ["desk", "slow"])
        #expect(third.tickets == 2)
    }
}

/// Observed transitions fill in what a ticket's own events leave out.
@Suite struct ObservedTransitionTests {
    let at = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date

    @Test func aConversationOnlyTicketStillGetsTheObservedPauses() {
        let pause = TicketEvent(at: at + 600, .status(.pendingCustomer))
        let reassigned = TicketEvent(at: at + 900, .assignee("kim"))
        var ticket = Ticket(id: "Z-1", createdAt: at)
        ticket.events = [TicketEvent(at: at + 300, .agentReply(isPublic: true)), TicketEvent(at: at + 400, .customerMessage)]
        #expect(SLAEngine.transitions([pause, reassigned], missingFrom: ticket) == [pause, reassigned])
    }

    @Test func kindsTheTicketReportsItselfAreNotDoubled() {
        let observedPause = TicketEvent(at: at + 600, .status(.pendingCustomer))
        let reassigned = TicketEvent(at: at + 900, .assignee("kim"))
        var ticket = Ticket(id: "F-1", createdAt: at)
        ticket.events = [TicketEvent(at: at + 590, .status(.pendingCustomer))]
        #expect(SLAEngine.transitions([observedPause, reassigned], missingFrom: ticket) == [reassigned])
        #expect(SLAEngine.transitions([observedPause], missingFrom: Ticket(id: "P-1", createdAt: at)) == [observedPause])
    }
}
