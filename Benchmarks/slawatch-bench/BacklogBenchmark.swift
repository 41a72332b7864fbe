import Daemon
import Delivery
import Foundation
import Logging
import SLAConfig
import SLAEngine
import StateStore

/// A daemon restarted on an outbox holding COUNT customer notices to a `log` channel: the
/// dispatcher queues them by key (`resume`), claims each run, reading its bodies back, and
/// appends them. Timed from `resume` to the last one recorded. `single`: one line per
/// attempt, as a channel that takes one message at a time.
enum BacklogBenchmark {
    /// The `log` channel, one message per attempt.
    struct OneAtATime: Notifier {
        let base: LogChannel
        var channel: String { base.channel }
        var kind: ChannelKind { base.kind }
        func deliver(_ message: OutboundMessage) async -> DeliveryOutcome { await base.deliver(message) }
    }

    static let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    static func notices(_ count: Int) -> [OutboundMessage] {
        let text = "We are sorry: your ticket has waited longer than we promised. We expect to answer by 14:00 UTC and will write again if that changes."
        return (0..<count).map {
            OutboundMessage(key: "notice-\($0)", channel: "customers", audience: .customer, subject: "Your ticket T-\($0) is delayed",
                            text: text, recipients: ["customer\($0 % 5000)@example.com"], createdAt: benchmarkNow)
        }
    }

    static func run(count: Int, single: Bool) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-backlog-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent("state.db").path
        try StateStore(path: state, exclusive: true).enqueue(notices(count))
        try await drain(count, from: try StateStore(path: state, exclusive: true), directory: directory, single: single, name: "")
    }

    /// The same with the state in PostgreSQL at `url` (an empty database), the store fenced
    /// as a leader's: every claim and record checks the epoch.
    static func postgres(count: Int, url: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-backlog-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = try PostgresURL(parsing: url).endpoint(password: ProcessInfo.processInfo.environment["PGPASSWORD"])
        let store = try await PostgresStateStore(endpoint: endpoint, instance: "slawatch-bench", logger: logger)
        let leadership = PostgresLeadership(store: store, lease: 15, logger: logger)
        guard case .leader = await leadership.round(progressing: true) else { throw StateStoreError(.locked, "\(url): not the leader") }
        try await store.enqueue(notices(count))
        try await drain(count, from: store, directory: directory, single: false, name: ", PostgreSQL")
        await leadership.resign()
        await store.close()
    }

    private static func drain(_ count: Int, from store: any OutboxStore, directory: URL, single: Bool, name: String) async throws {
        let channel = LogChannel(channel: "customers", path: directory.appendingPathComponent("customers.jsonl").path)
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["customers": single ? OneAtATime(base: channel) : channel], opsChannel: nil,
            templates: try MessageTemplates(directory: nil), logger: logger)
        let start = ContinuousClock.now
        let cpuStart = processCPUSeconds()
        try await dispatcher.resume()
        await dispatcher.drain()
        let seconds = (ContinuousClock.now - start).seconds
        let pending = try await store.pendingKeys().count
        print("backlog\(name): \(count) notices queued by key after a restart, \(single ? "one line" : "a run of lines") an attempt: "
            + String(format: "delivered in %.3f s (CPU %.3f s, %.0f a second), %d left pending, peak RSS %.0f MiB",
                     seconds, processCPUSeconds() - cpuStart, Double(count) / seconds, pending, peakResidentMiB()))
    }
}
