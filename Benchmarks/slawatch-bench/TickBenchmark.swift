import Daemon
import Foundation
import Logging
import SLAConfig
import SLAEngine
import StateStore
import TicketSources

/// tick: one daemon tick over synthetic open tickets with a real state database: record
/// snapshots, evaluate every clock, walk the ladders, commit intents and outbox; team
/// messages are digests to a `log` channel. With `notices`, DESIGN.md's reference ladder:
/// a customer delay notice at breach, one message per ticket, to another `log` channel.
/// Delivery is the dispatcher's, after the tick, timed apart. Then a second tick a minute later, as the daemon runs
/// between changes.
enum TickBenchmark {
    /// Hands the daemon tickets already in memory.
    struct MemorySource: TicketSource {
        let name = "memory"
        let tickets: [Ticket]
        func poll() async throws -> TicketBatch { TicketBatch(tickets: tickets) }
    }

    /// The configuration; `notices` puts DESIGN.md's customer delay notice on the breach step.
    static func yaml(notices: Bool) -> String { """
        state: state.db
        repeated_breaches: { count: 3, within: 30d }
        sources:
          - { name: memory, type: file, path: unused.json }
        calendars:
          us-office:
            timezone: America/New_York
            week: { mon-fri: ["09:00-17:00"] }
            holidays: [2026-11-26, 2026-11-27, 2026-12-25]
        policies:
          - name: standard
            calendar: us-office
            targets:
              urgent: { first_response: 30m, resolution: 4h }
              high:   { first_response: 1h, resolution: 8h }
              normal: { first_response: 4h, resolution: 24h }
              low:    { first_response: 24h }
          - name: enterprise
            match: { customer.tier: enterprise }
            calendar: us-office
            targets: { any: { first_response: 1h, resolution: 16h } }
          - name: security
            match: { tags: security }
            targets: { any: { first_response: 1h } }
        teams:
          default: { lead: [leads], manager: [leads], director: [leads] }
        ladders:
          default:
            - { at: 75%, notify: lead }
            - { at: 90%, notify: manager }
            - { at: breach, notify: [manager, director]\(notices ? ", customer_notice: delay_notice" : "") }
            - { at: breach+2h, notify: director, repeat: 2h }
        channels:
          leads: { type: log, path: leads.jsonl }
          customers: { type: log, path: customers.jsonl }
        """ }

    /// The first tick on a new state database, in this process; then (when `restarting`) a
    /// restarted daemon on the same database, in a new process, so its peak memory is its own.
    static func run(count: Int, notices: Bool, restarting: Bool = true, outcomes: Bool = true) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-tick-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ticks(count: count, notices: notices, directory: directory,
                        names: [outcomes ? "first tick (every ticket new)" : "first tick, no clock outcomes recorded"], outcomes: outcomes)
        guard restarting else { return }
        try runSelf(["tick-restart", String(count), directory.path] + (notices ? ["notices"] : []))
    }

    /// A daemon restarted on the database the first tick wrote: its first tick (everything
    /// already recorded), then the tick a minute later.
    static func restart(count: Int, notices: Bool, directory: String) async throws {
        try await ticks(count: count, notices: notices, directory: URL(fileURLWithPath: directory),
                        names: ["restarted tick", "next tick (a minute later)"], offset: 0)
    }

    private static func ticks(
        count: Int, notices: Bool, directory: URL, names: [String], offset: Double = 0, outcomes: Bool = true
    ) async throws {
        let configuration = try Configuration.parse(yaml: yaml(notices: notices), file: "bench.yaml", baseDirectory: directory.path)
        let store = try StateStore(path: configuration.state, exclusive: true)
        let tickets = syntheticTickets(count: count, now: benchmarkNow)
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: [
                "leads": LogChannel(channel: "leads", path: directory.appendingPathComponent("leads.jsonl").path),
                "customers": LogChannel(channel: "customers", path: directory.appendingPathComponent("customers.jsonl").path),
            ],
            opsChannel: nil, templates: try MessageTemplates(directory: nil), logger: logger)
        try await dispatcher.resume()
        let watcher = Watcher(
            configuration: configuration, templates: try MessageTemplates(directory: nil),
            store: outcomes ? store : WithoutOutcomes(base: store),
            sources: [Watcher.Source(config: configuration.sources[0], reader: MemorySource(tickets: tickets))],
            dispatcher: dispatcher, logger: logger
        )
        for (index, name) in names.enumerated() {
            let start = ContinuousClock.now
            let cpuStart = processCPUSeconds()
            let report = try await watcher.tick(at: benchmarkNow + offset + Double(index) * 60, forcePoll: true)
            let seconds = (ContinuousClock.now - start).seconds
            print("tick: \(name): \(count) tickets, \(report.clocks) clocks, \(report.intents) intents, "
                + "\(report.enqueued) messages in " + String(format: "%.3f s (CPU %.3f s)", seconds, processCPUSeconds() - cpuStart)
                + String(format: ", peak RSS so far %.0f MiB", peakResidentMiB()))
            print("  phases: " + report.phases.map { "\($0.phase) " + String(format: "%.3f", $0.seconds) }.joined(separator: ", "))
            // Delivery is the dispatcher's, after the tick: timed apart.
            let drainStart = ContinuousClock.now
            await dispatcher.drain()
            print("  delivered what it enqueued in " + String(format: "%.3f s", (ContinuousClock.now - drainStart).seconds))
        }
    }
}
