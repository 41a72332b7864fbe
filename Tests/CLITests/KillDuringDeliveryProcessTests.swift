import Foundation
import Testing

/// A delivery is recorded as soon as its attempt ends: killing the daemon while a slow
/// receiver holds its lane re-sends only what was in flight at the kill (or answered just
/// before it, in the batch being written), and nothing of the other channels.
@Suite(.serialized) struct KillDuringDeliveryProcessTests {
    /// Kills per trial: more under `make soak`.
    static var kills: Int { Soak.pick(4, soak: 20) }
    static let tickets = 240
    /// How long the receiver takes to answer each request.
    static let answerTime = 1.0
    /// How long after its answer a delivery may still be unwritten: its batch's write, on a
    /// busy machine. Recording at the end of a phase instead would leave the first answers
    /// unwritten for more than a second before each kill.
    static let writeSlack = 0.5

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

        // Each daemon killed after two to three answered rounds of its webhook lane.
        var generator = SystemRandomNumberGenerator()
        var killedAt: [Double] = []
        for _ in 0..<Self.kills {
            let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
            usleep(UInt32.random(in: 2_500_000...4_000_000, using: &generator))
            _ = daemon.terminate(SIGKILL)
            killedAt.append(Date().timeIntervalSince1970)
        }
        // Then left to finish.
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
        let deadline = Date() + 30
        var arrivals: [(id: String, at: Double)] = []
        func received() throws -> [(id: String, at: Double)] {
            try receiver.records("slow").compactMap { record in
                guard let id = (record["headers"] as? [[String]] ?? []).first(where: { $0[0].lowercased() == "webhook-id" })?[1],
                    let at = record["at"] as? Double
                else { return nil }
                return (id, at)
            }
        }
        while Date() < deadline {
            arrivals = try received()
            if Set(arrivals.map(\.id)).count >= Self.tickets { break }
            usleep(200_000)
        }
        usleep(1_500_000)
        _ = daemon.terminate(SIGTERM)
        arrivals = try received()
        let hooks = arrivals.map(\.id)
        let file = LogFile(directory.appendingPathComponent("leads.jsonl").path)
        let leads = file.keys
        #expect(file.tornNeverWrittenWhole.isEmpty, "a line cut short and never written whole: \(file.tornNeverWrittenWhole)")

        // Nothing lost.
        #expect(Set(hooks).count == Self.tickets)
        #expect(Set(leads).count == Self.tickets)
        // Re-sent only what was in flight at a kill: each copy before the last arrived before a
        // kill, and its answer came after that kill, or so shortly before it that its batch
        // may not have been written yet.
        var previous: [String: Double] = [:]
        var resentEarly: [String] = []
        for (id, at) in arrivals.sorted(by: { $0.at < $1.at }) {
            if let before = previous[id], let kill = killedAt.first(where: { $0 > before }), kill < at,
                before + Self.answerTime < kill - Self.writeSlack {
                resentEarly.append("\(id): answered \(String(format: "%.2f", kill - before - Self.answerTime)) s before the kill")
            }
            previous[id] = at
        }
        #expect(resentEarly.isEmpty, "sent again though answered well before the kill: \(resentEarly.prefix(5))")
        // In numbers: the log lane has one attempt in flight at a time; the webhook lane 32 on
        // the wire, and at most one round of answers waiting for their write.
        #expect(leads.count - Set(leads).count <= Self.kills, "\(leads.count - Set(leads).count) log lines sent twice")
        #expect(hooks.count - Set(hooks).count <= 64 * Self.kills, "\(hooks.count - Set(hooks).count) webhooks sent twice")
    }
}
