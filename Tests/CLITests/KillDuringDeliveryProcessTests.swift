import Foundation
import Testing

/// A delivery is recorded as soon as its attempt ends: killing the daemon while a slow
/// receiver holds its lane re-sends at most what was in flight at the kill, and nothing of
/// the other channels.
@Suite(.serialized) struct KillDuringDeliveryProcessTests {
    /// Kills per trial: more under `make soak`.
    static var kills: Int { Soak.pick(4, soak: 20) }
    static let tickets = 120

    @Test func killedWhileASlowReceiverHoldsItsLane() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.process.terminate(SIGKILL) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-kill-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("slawatch.yaml").path
        // Every ticket breached an hour ago: one message each to `leads` (a log file) and to
        // `hooks`, whose receiver takes a second to answer each.
        try """
            state: state.db
            poll_interval: 60s
            listen: 127.0.0.1:0
            sources:
              - { name: file, type: file, path: tickets.json }
            policies:
              - name: all
                targets: { any: { first_response: 1h } }
            teams:
              default: { manager: [leads, hooks] }
            ladders:
              default:
                - { at: breach, notify: manager }
            channels:
              leads: { type: log, path: leads.jsonl, digest: false }
              hooks: { type: webhook, url: "\(receiver.url("slow", "slow?ms=1000"))", timeout: 10s }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let created = ISO8601DateFormatter().string(from: Date() - 7200)
        let items = (0..<Self.tickets).map { #"{"id": "K-\#($0)", "status": "open", "customer": {"id": "c"}, "created_at": "\#(created)"}"# }
        try ("[" + items.joined(separator: ",") + "]").write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)

        var generator = SystemRandomNumberGenerator()
        for _ in 0..<Self.kills {
            let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
            usleep(UInt32.random(in: 600_000...1_800_000, using: &generator))
            _ = daemon.terminate(SIGKILL)
        }
        // Then left to finish.
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
        let deadline = Date() + 30
        var hooks: [String] = []
        while Date() < deadline {
            hooks = try receiver.records("slow").compactMap { record in
                (record["headers"] as? [[String]] ?? []).first { $0[0].lowercased() == "webhook-id" }?[1]
            }
            if Set(hooks).count >= Self.tickets { break }
            usleep(200_000)
        }
        usleep(1_500_000)
        _ = daemon.terminate(SIGTERM)
        hooks = try receiver.records("slow").compactMap { record in
            (record["headers"] as? [[String]] ?? []).first { $0[0].lowercased() == "webhook-id" }?[1]
        }
        let file = LogFile(directory.appendingPathComponent("leads.jsonl").path)
        let leads = file.keys
        #expect(file.tornNeverWrittenWhole.isEmpty, "a line cut short and never written whole: \(file.tornNeverWrittenWhole)")

        // Nothing lost.
        #expect(Set(hooks).count == Self.tickets)
        #expect(Set(leads).count == Self.tickets)
        // Re-sent at most what was in flight at each kill: the log lane has one attempt in
        // flight at a time, the webhook lane at most 32.
        #expect(leads.count - Set(leads).count <= Self.kills, "\(leads.count - Set(leads).count) log lines sent twice")
        #expect(hooks.count - Set(hooks).count <= 32 * Self.kills, "\(hooks.count - Set(hooks).count) webhooks sent twice")
    }
}
