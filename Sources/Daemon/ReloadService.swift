import Foundation
public import Logging
public import ServiceLifecycle
import UnixSignals
public import Service

/// Reloads the configuration on SIGHUP: the new file is read and validated whole, then
/// swapped in at once; an invalid one is logged and the running one kept. systemd hears
/// `RELOADING=1` and then `READY=1` either way.
public struct ReloadService: NamedService {
    /// Reads and validates the configuration anew and swaps it into the watcher; throws,
    /// with every problem in its description, when it cannot.
    public typealias Reload = @Sendable () async throws -> Void

    let notifier: SystemdNotifier
    let metrics: MetricsRegistry
    let logger: Logger
    let reload: Reload

    public init(notifier: SystemdNotifier, metrics: MetricsRegistry, logger: Logger, reload: @escaping Reload) {
        self.notifier = notifier
        self.metrics = metrics
        self.logger = logger
        self.reload = reload
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        try await cancelWhenGracefulShutdown {
            for await _ in signals {
                try? notifier.reloading(status: "reloading the configuration")
                do {
                    try await reload()
                    metrics.recordReload(succeeded: true, at: Date())
                    logger.notice("configuration reloaded")
                    try? notifier.ready(status: "configuration reloaded")
                } catch {
                    metrics.recordReload(succeeded: false, at: Date())
                    logger.error("configuration not reloaded; the running one stays", metadata: ["error": "\(error)"])
                    try? notifier.ready(status: "reload failed; running the previous configuration")
                }
            }
        }
    }
}
