import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine

/// Surges through the daemon: a week of ticks at 15:10Z with ten open Billing tickets is the
/// history the store keeps; twenty now is a surge, announced once to the Billing team's
/// manager, also across a restart; eleven is its end, announced once.
@Suite struct SurgeTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-surge-\(UUID())")
    let now = Timestamp(rfc3339: "2026-11-30T15:10:00Z")!.date

    static let yaml = """
        state: state.db
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { resolution: 1000h } }
        teams:
          billing: { match: { group: Billing }, manager: [billing-managers] }
          default: { manager: [managers] }
        surges:
          - { by: group, over: 50%, notify: manager }
        channels:
          billing-managers: { type: log, path: billing-managers.jsonl }
          managers: { type: log, path: managers.jsonl }
        """

    func write(open count: Int) throws {
        let tickets = (0..<count).map { i in
            #"{"id": "B-\#(i)", "status": "open", "group": "Billing", "created_at": "2026-11-01T00:00:00Z"}"#
        } + [#"{"id": "S-1", "status": "open", "group": "Support", "created_at": "2026-11-01T00:00:00Z"}"#]
        try ("[" + tickets.joined(separator: ",") + "]").write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
    }

    func keys() throws -> [String] {
        try logLines("billing-managers.jsonl", in: directory).map { $0["key"] as! String }
    }

    @Test func aSpikeAfterAWeekOfHistoryIsAnnouncedOnceAndItsEndOnce() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var daemon = try await logWatcher(yaml: Self.yaml, directory: directory)
        try write(open: 10)
        for day in (1...7).reversed() {
            _ = try await daemon.tick(at: now - Double(day) * 86_400, forcePoll: true)
        }
        #expect(try keys().isEmpty)

        try write(open: 20)
        let spike = try await daemon.tick(at: now, forcePoll: true)
        #expect(spike.surges == ["group": 1])
        #expect(try keys() == ["surge/group/Billing/1796051400@billing-managers"])
        let started = try #require(try logLines("billing-managers.jsonl", in: directory).first)
        #expect(started["subject"] as? String == "[Surge] 20 open tickets in group Billing")
        #expect((started["text"] as? String)?.contains("against a median of 10 at this hour over the last 7 days (a surge is more than 15)") == true)
        #expect(try await daemon.tick(at: now + 600, forcePoll: true).surges.isEmpty)

        // A new process on the same state: the surge is still on, and not announced again.
        daemon = try await logWatcher(yaml: Self.yaml, directory: directory)
        _ = try await daemon.tick(at: now + 1200, forcePoll: true)
        #expect(try keys().count == 1)

        try write(open: 11)
        _ = try await daemon.tick(at: now + 1800, forcePoll: true)
        _ = try await daemon.tick(at: now + 2400, forcePoll: true)
        #expect(try keys() == [
            "surge/group/Billing/1796051400@billing-managers", "surge/group/Billing/1796051400/end@billing-managers",
        ])
        #expect((try logLines("billing-managers.jsonl", in: directory).last?["text"] as? String)?
            .contains("The surge in group Billing that began 2026-11-30T15:10:00Z is over: 11 open tickets") == true)
        // Support never surged, and the default team's manager heard nothing.
        #expect(try logLines("managers.jsonl", in: directory).isEmpty)
    }
}
