import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine

/// `repeated_breaches` through the daemon: the breaches a tick records (in their own
/// transaction, while the tick words its messages) escalate the customer's next breach to
/// the executive, also after a restart.
@Suite struct RepeatedBreachTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-repeated-\(UUID())")
    var ticketsFile: URL { directory.appendingPathComponent("tickets.json") }
    let start = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date

    static let yaml = """
        state: state.db
        poll_interval: 60s
        repeated_breaches: { count: 1, within: 30d }
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 20m } }
        teams:
          default: { manager: [leads], executive: [execs] }
        ladders:
          default:
            - { at: breach, notify: manager }
        channels:
          leads: { type: log, path: leads.jsonl, digest: false }
          execs: { type: log, path: execs.jsonl, digest: false }
        """

    func ticket(_ id: String, customer: String, createdAt minutes: Int) -> String {
        let created = Timestamp(start + Double(minutes * 60))
        return #"{"id": "\#(id)", "status": "open", "customer": {"id": "\#(customer)"}, "created_at": "\#(created)"}"#
    }

    func write(_ tickets: [String]) throws {
        try ("[" + tickets.joined(separator: ",") + "]").write(to: ticketsFile, atomically: true, encoding: .utf8)
    }

    func tickets(in name: String) throws -> [String] {
        try logLines(name, in: directory).map { ($0["tickets"] as! [[String: Any]])[0]["id"] as! String }
    }

    func watcher() async throws -> LogDaemon { try await logWatcher(yaml: Self.yaml, directory: directory) }

    @Test func aCustomersSecondBreachReachesTheExecutiveAlsoAfterARestart() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A (acme) breaches at 12:20; B (acme) and C (globex) at 12:50.
        try write([ticket("A", customer: "acme", createdAt: 0), ticket("B", customer: "acme", createdAt: 30),
                   ticket("C", customer: "globex", createdAt: 30)])
        var daemon = try await watcher()
        _ = try await daemon.tick(at: start)
        _ = try await daemon.tick(at: start + 21 * 60)
        #expect(try tickets(in: "leads.jsonl") == ["A"])
        #expect(try tickets(in: "execs.jsonl").isEmpty)          // acme's first breach
        _ = try await daemon.tick(at: start + 51 * 60)
        #expect(try tickets(in: "leads.jsonl").sorted() == ["A", "B", "C"])
        #expect(try tickets(in: "execs.jsonl") == ["B"])         // acme's second; globex's first

        // A new process on the same state: D (acme) breaches at 13:20, counted against the
        // breaches recorded before the restart.
        try write([ticket("A", customer: "acme", createdAt: 0), ticket("B", customer: "acme", createdAt: 30),
                   ticket("C", customer: "globex", createdAt: 30), ticket("D", customer: "acme", createdAt: 60)])
        daemon = try await watcher()
        _ = try await daemon.tick(at: start + 81 * 60)
        #expect(try tickets(in: "execs.jsonl") == ["B", "D"])
        #expect(try tickets(in: "leads.jsonl").sorted() == ["A", "B", "C", "D"])
    }
}
