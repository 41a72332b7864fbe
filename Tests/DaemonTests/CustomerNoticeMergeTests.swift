import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine

/// A customer hears once per tick about one ticket, however many of its clocks cross a
/// step with a notice at that tick.
@Suite struct CustomerNoticeMergeTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-notices-\(UUID())")
    let start = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date

    static let yaml = """
        state: state.db
        poll_interval: 60s
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 20m, resolution: 30m } }
        teams:
          default: { manager: [leads] }
        ladders:
          default:
            - { at: breach, notify: manager, customer_notice: delay_notice }
        channels:
          leads: { type: log, path: leads.jsonl, digest: false }
          customers: { type: log, path: customers.jsonl }
        """

    /// A breached both clocks by the first tick; B's first response breaches at 12:20, its
    /// resolution at 12:30, so B's notices come one at a time.
    static let tickets = """
        [{"id": "A", "status": "open", "customer": {"id": "a", "email": "a@example.com"}, "created_at": "2026-11-20T11:00:00Z"},
         {"id": "B", "status": "open", "customer": {"id": "b", "email": "b@example.com"}, "created_at": "2026-11-20T12:00:00Z"}]
        """

    @Test func twoNoticesAboutOneTicketInOneTickAreOneMessage() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.tickets.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let watcher = try await logWatcher(yaml: Self.yaml, directory: directory)
        for minute in [0.0, 21, 31, 40] { _ = try await watcher.tick(at: start + minute * 60) }
        let notices = try logLines("customers.jsonl", in: directory)
        let about = notices.map { line in
            (line["tickets"] as! [[String: Any]]).map { "\($0["id"]!)/\($0["metric"]!)" }.joined(separator: ",")
        }
        // A: one message, worded about the clock furthest past due (at 12:00 first response
        // has used 300% of its target, resolution 200%). B: one per clock, a tick apart.
        #expect(about == ["A/first_response", "B/first_response", "B/resolution"], "\(about)")
        #expect(notices.map { ($0["to"] as? [String]) ?? [] } == [["a@example.com"], ["b@example.com"], ["b@example.com"]])
        // Team pings are per clock as before: two for A.
        let team = try logLines("leads.jsonl", in: directory).map { line in
            (line["tickets"] as! [[String: Any]]).map { "\($0["id"]!)/\($0["metric"]!)" }.joined()
        }
        #expect(team.sorted() == ["A/first_response", "A/resolution", "B/first_response", "B/resolution"])
    }
}
