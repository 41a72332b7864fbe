import Foundation
import Delivery
import Logging
@testable import Daemon
import SLAConfig
import StateStore

/// A watcher and its outbox dispatcher, driven tick by tick as `run --once` does: each
/// tick's messages get their attempt before `tick` returns.
struct LogDaemon {
    let watcher: Watcher
    let dispatcher: OutboxDispatcher

    func tick(at now: Date, forcePoll: Bool = false, pollWait: Duration? = nil) async throws -> TickReport {
        let report = try await watcher.tick(at: now, forcePoll: forcePoll, pollWait: pollWait)
        await dispatcher.drain()
        return report
    }
}

/// A daemon on `yaml`, read in `directory`, as `run` would build it: its state file, its
/// first source, and every channel a `log` file named after the channel
/// (`leads` → `leads.jsonl`). Daemon tests drive it tick by tick.
func logWatcher(yaml: String, directory: URL) async throws -> LogDaemon {
    let configuration = try Configuration.parse(yaml: yaml, file: "slawatch.yaml", baseDirectory: directory.path)
    let store = try StateStore(path: configuration.state)
    let source = configuration.sources[0]
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let templates = try MessageTemplates(directory: nil)
    let dispatcher = OutboxDispatcher(
        store: store,
        notifiers: Dictionary(uniqueKeysWithValues: configuration.channels.keys.map { name in
            (name, LogChannel(channel: name, path: directory.appendingPathComponent("\(name).jsonl").path) as any Notifier)
        }),
        opsChannel: configuration.opsChannel, templates: templates, logger: logger)
    try await dispatcher.resume()
    let watcher = Watcher(
        configuration: configuration, templates: templates, store: store,
        sources: [Watcher.Source(config: source, reader: try source.reader(secrets: nil, transport: nil, cursors: store))],
        dispatcher: dispatcher, logger: logger
    )
    return LogDaemon(watcher: watcher, dispatcher: dispatcher)
}

/// The JSON lines a `log` channel wrote to `name` in `directory`; none before its first.
func logLines(_ name: String, in directory: URL) throws -> [[String: Any]] {
    guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else { return [] }
    return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
}
