import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine

/// Risks through the daemon's tick: one message per channel, counted once per occurrence.
@Suite struct RiskTickTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-risktick-\(UUID())")

    static let yaml = """
        state: state.db
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { resolution: 1000h } }
        teams:
          default: { lead: [leads, hooks] }
        risks:
          reopened: { count: 1, notify: lead }
        channels:
          leads: { type: log, path: leads.jsonl }
          hooks: { type: log, path: hooks.jsonl, digest: false }
        """

    @Test func aReopenReachesEveryChannelOfTheRoleAndCountsOnce() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
            [{"id": "R-1", "status": "open", "created_at": "2026-11-23T08:00:00Z",
              "events": [{"at": "2026-11-23T09:00:00Z", "type": "status", "status": "solved"},
                         {"at": "2026-11-23T10:00:00Z", "type": "status", "status": "open"}]}]
            """.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let daemon = try await logWatcher(yaml: Self.yaml, directory: directory)
        let first = try await daemon.tick(at: Timestamp(rfc3339: "2026-11-23T10:00:30Z")!.date)
        #expect(first.risks == ["reopened": 1])
        #expect(try logLines("leads.jsonl", in: directory).map { $0["key"] as? String } == ["desk:R-1/risk/reopened/1@leads"])
        #expect(try logLines("hooks.jsonl", in: directory).map { $0["key"] as? String } == ["desk:R-1/risk/reopened/1@hooks"])
        let second = try await daemon.tick(at: Timestamp(rfc3339: "2026-11-23T10:05:00Z")!.date, forcePoll: true)
        #expect(second.risks.isEmpty)
        #expect(try logLines("leads.jsonl", in: directory).count == 1)
    }
}
