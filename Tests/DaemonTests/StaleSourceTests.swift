import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine

/// A source whose file goes missing: its data turns stale after three poll intervals.
@Suite struct StaleSourceTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-stale-\(UUID())")
    var ticketsFile: URL { directory.appendingPathComponent("tickets.json") }
    let start = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date

    static let yaml = """
        state: state.db
        poll_interval: 60s
        ops_channel: ops
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 20m } }
        teams:
          default: { lead: [leads], manager: [leads] }
        ladders:
          default:
            - { at: 50%, notify: lead }
            - { at: 75%, notify: lead }
            - { at: breach, notify: manager, customer_notice: delay_notice }
        channels:
          leads: { type: log, path: leads.jsonl, digest: false }
          ops: { type: log, path: ops.jsonl }
          customers: { type: log, path: customers.jsonl }
        """

    /// Two tickets: A created at 12:00 (50% at 12:10, 75% at 12:15, breach 12:20), B at 12:12
    /// (50% at 12:22, 75% at 12:27, breach 12:32).
    static let tickets = """
        [{"id": "A", "status": "open", "customer": {"id": "a", "email": "a@example.com"}, "created_at": "2026-11-20T12:00:00Z"},
         {"id": "B", "status": "open", "customer": {"id": "b", "email": "b@example.com"}, "created_at": "2026-11-20T12:12:00Z"}]
        """

    func lines(_ name: String) throws -> [[String: Any]] { try logLines(name, in: directory) }

    func steps(_ name: String) throws -> [String] {
        try lines(name).map { line in
            let ticket = (line["tickets"] as! [[String: Any]])[0]
            return "\(ticket["id"]!)/\(ticket["step"]!)"
        }
    }

    @Test func staleDataHoldsWarningsAndNoticesButNotBreachesUntilItRecovers() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.tickets.write(to: ticketsFile, atomically: true, encoding: .utf8)
        let watcher = try await logWatcher(yaml: Self.yaml, directory: directory)
        func tick(_ minutes: Double) async throws { _ = try await watcher.tick(at: start + minutes * 60) }

        try await tick(0)
        try await tick(10)                                      // A 50%: fresh, sent
        #expect(try steps("leads.jsonl") == ["A/50%"])
        try FileManager.default.removeItem(at: ticketsFile)     // the source fails from here on
        for minute in [11.0, 12, 13] { try await tick(minute) } // last success 12:10; stale from 12:13
        #expect(try lines("ops.jsonl").map { $0["subject"] as! String } == ["[slawatch] source desk is stale"])
        try await tick(16)                                      // A 75% crossed on stale data: held
        #expect(try steps("leads.jsonl") == ["A/50%"])
        try await tick(21)                                      // A breached: the ping goes out, flagged
        let breach = try #require(try lines("leads.jsonl").last)
        #expect(try steps("leads.jsonl") == ["A/50%", "A/breach"])
        #expect((breach["text"] as! String).contains("Data from source desk is stale since 2026-11-20T12:13:00Z"))
        #expect(try lines("customers.jsonl").isEmpty)           // no customer notice on stale data
        try await tick(23)                                      // B 50% crossed: held too
        #expect(try steps("leads.jsonl") == ["A/50%", "A/breach"])

        try Self.tickets.write(to: ticketsFile, atomically: true, encoding: .utf8)
        try await tick(24)                                      // recovered
        #expect(try lines("ops.jsonl").map { $0["subject"] as! String }
            == ["[slawatch] source desk is stale", "[slawatch] source desk recovered"])
        // Warnings and notices resume: B's 50% (late), A's delay notice; nothing for A's passed-over 75%.
        #expect(try steps("leads.jsonl") == ["A/50%", "A/breach", "B/50%"])
        #expect(try steps("customers.jsonl") == ["A/customer_notice"])
        try await tick(27)
        #expect(try steps("leads.jsonl") == ["A/50%", "A/breach", "B/50%", "B/75%"])
    }
}
