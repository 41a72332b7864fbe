import Daemon
import Foundation
import Logging
import SLAConfig
import SLAEngine
import StateStore
import Synchronization
import Transport
import TicketSources

/// tick: one daemon tick over synthetic open tickets with a real state database: record
/// snapshots, evaluate every clock, walk the ladders, commit intents and outbox; team
/// messages are digests to a `log` channel. With `notices`, DESIGN.md's reference ladder:
/// a customer delay notice at breach, one message per ticket, to another `log` channel.
/// Delivery is the dispatcher's, after the tick, timed apart. Then a second tick a minute later, as the daemon runs
/// between changes.
enum TickBenchmark {
    /// Hands the daemon tickets made before the tick, each poll's batch once: like a real
    /// source, whose decoded tickets belong to the daemon once returned, it keeps no copy
    /// (a kept copy would count the tickets twice in the peak memory).
    final class MemorySource: TicketSource, Sendable {
        let name = "memory"
        private let batches: Mutex<[[Ticket]]>
        private let count: Int

        init(count: Int, polls: Int) {
            self.count = count
            batches = Mutex((0..<polls).map { _ in syntheticTickets(count: count, now: benchmarkNow) })
        }

        func poll() async throws -> TicketBatch {
            let next = batches.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            return TicketBatch(tickets: next ?? syntheticTickets(count: count, now: benchmarkNow))
        }
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

    /// The same ticks with the state in PostgreSQL at `url` (an empty database): the first
    /// tick, the tick a minute later, then a restarted daemon's first tick, which reads
    /// everything back. The store is fenced as a leader's, so every write checks its epoch.
    static func postgres(count: Int, url: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-tick-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = try PostgresURL(parsing: url).endpoint(password: ProcessInfo.processInfo.environment["PGPASSWORD"])
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        for names in [["first tick (every ticket new), PostgreSQL", "next tick (a minute later), PostgreSQL"],
                      ["restarted tick, PostgreSQL"]] {
            let store = try await PostgresStateStore(endpoint: endpoint, instance: "slawatch-bench", logger: logger)
            let leadership = PostgresLeadership(store: store, lease: 15, logger: logger)
            guard case .leader = await leadership.round(progressing: true) else { throw StateStoreError(.locked, "\(url): not the leader") }
            try await ticks(count: count, notices: false, directory: directory, names: names, store: store)
            await leadership.resign()
            await store.close()
        }
    }

    private static func ticks(
        count: Int, notices: Bool, directory: URL, names: [String], offset: Double = 0,
        store shared: (any NotificationLog & OutboxStore)? = nil, outcomes: Bool = true
    ) async throws {
        let configuration = try Configuration.parse(yaml: yaml(notices: notices), file: "bench.yaml", baseDirectory: directory.path)
        let sqlite = shared == nil ? try StateStore(path: configuration.state, exclusive: true) : nil
        let store: any NotificationLog & OutboxStore = shared ?? sqlite!
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let files = ["leads", "customers"].map { directory.appendingPathComponent("\($0).jsonl").path }
        // The dispatcher's clock stands at each tick's instant, so its loop sees the tick's
        // messages as just made (not weeks old, past their maximum age).
        let clock = ShiftedClock()
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: [
                "leads": LogChannel(channel: "leads", path: files[0]),
                "customers": LogChannel(channel: "customers", path: files[1]),
            ],
            opsChannel: nil, templates: try MessageTemplates(directory: nil), clock: clock, logger: logger)
        try await dispatcher.resume()
        // Delivered beside the tick by the dispatcher's own loop, as the daemon does.
        let delivery = Task { await dispatcher.run() }
        var lines = LineCount(paths: files)
        var enqueued = 0
        let watcher = Watcher(
            configuration: configuration, templates: try MessageTemplates(directory: nil),
            store: outcomes || sqlite == nil ? store : WithoutOutcomes(base: sqlite!),
            sources: [Watcher.Source(config: configuration.sources[0], reader: MemorySource(count: count, polls: names.count))],
            dispatcher: dispatcher, logger: logger
        )
        for (index, name) in names.enumerated() {
            let instant = benchmarkNow + offset + Double(index) * 60
            clock.stand(at: instant)
            let start = ContinuousClock.now
            let cpuStart = processCPUSeconds()
            let report = try await watcher.tick(at: instant, forcePoll: true)
            let seconds = (ContinuousClock.now - start).seconds
            print("tick: \(name): \(count) tickets, \(report.clocks) clocks, \(report.intents) intents, "
                + "\(report.enqueued) messages in " + String(format: "%.3f s (CPU %.3f s)", seconds, processCPUSeconds() - cpuStart)
                + String(format: ", peak RSS so far %.0f MiB", peakResidentMiB()))
            print("  phases: " + report.phases.map { "\($0.phase) " + String(format: "%.3f", $0.seconds) }.joined(separator: ", "))
            // Out now, also into a pipe: a script reading the tick's figures gets them before delivery ends.
            fflush(nil)
            // Timed from the tick's end to the last line written (each message is one line).
            enqueued += report.enqueued
            let drainStart = ContinuousClock.now
            while lines.count() < enqueued, ContinuousClock.now - drainStart < .seconds(120) {
                try await Task.sleep(for: .milliseconds(2))
            }
            print("  delivered what it enqueued in " + String(format: "%.3f s", (ContinuousClock.now - drainStart).seconds)
                + " (\(lines.count()) of \(enqueued) lines)")
        }
        dispatcher.requestStop()
        await delivery.value
    }
}

/// The real clock, moved to stand at a chosen instant.
final class ShiftedClock: DeliveryClock {
    private let base = SystemDeliveryClock()
    private let shift = Mutex<TimeInterval>(0)

    /// From now on, the wall clock reads `instant` and on.
    func stand(at instant: Date) { shift.withLock { $0 = instant.timeIntervalSince(Date()) } }
    func now() -> TimeInterval { base.now() }
    func date() -> Date { base.date() + shift.withLock { $0 } }
    func sleep(for seconds: TimeInterval) async throws { try await base.sleep(for: seconds) }
}

/// Lines appended to some files since this count began, read as they grow.
struct LineCount {
    let paths: [String]
    private var offsets: [UInt64]
    private var total = 0

    init(paths: [String]) {
        self.paths = paths
        offsets = paths.map { ((try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? UInt64) ?? 0 }
    }

    mutating func count() -> Int {
        for (index, path) in paths.enumerated() {
            guard let file = FileHandle(forReadingAtPath: path) else { continue }
            defer { try? file.close() }
            try? file.seek(toOffset: offsets[index])
            let data = (try? file.readToEnd()) ?? Data()
            offsets[index] += UInt64(data.count)
            // Counted over the bytes in place: `Data`'s own iterator, a byte at a time, took
            // a fiftieth of the process's time while delivery went on beside the count.
            total += data.withUnsafeBytes { bytes in bytes.reduce(0) { $1 == 10 ? $0 + 1 : $0 } }
        }
        return total
    }
}
