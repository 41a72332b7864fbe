public import Foundation
public import Logging
public import Service
import SLAEngine
import StateStore
import Synchronization

/// Keeps the state the size of what is still going on: at the first tick and every
/// `interval` after, it forgets what ended more than `retention` ago (`StateRetention`),
/// a bounded number of rows a turn, and comes back at the next tick while more is left.
///
/// It runs in the tick loop, between ticks, so the tick's in-memory copies of the state
/// are never read while rows go. A dry run's state forgets nothing.
public final class StatePruner: Sendable {
    /// How often the state is pruned once it is within its retention.
    public static let interval: TimeInterval = 6 * 3600
    /// Rows of each kind one transaction forgets.
    static let batch = 5_000
    /// Transactions a turn: at most 100,000 rows of each kind between two ticks.
    static let rounds = 20

    private let next = Mutex<Date?>(nil)
    private let logger: Logger
    private let pruned: MetricCounter<MetricsRegistry.TableLabel>?

    public init(metrics: MetricsRegistry?, logger: Logger) {
        self.logger = logger
        pruned = metrics?.statePruned
    }

    /// Prunes when a turn is due at `now`.
    public func pruneIfDue(_ watcher: Watcher, at now: Date) async {
        guard next.withLock({ $0.map { now >= $0 } ?? true }) else { return }
        let more = await prune(watcher, at: now)
        next.withLock { $0 = more ? now : now + StatePruner.interval }
    }

    /// One turn at `now`; returns whether rows may be left. A failure is logged and tried
    /// again next turn: forgetting is never worth stopping the daemon for.
    @discardableResult
    public func prune(_ watcher: Watcher, at now: Date) async -> Bool {
        guard let (store, retention) = await watcher.retention else { return false }
        let cutoff = now - TimeInterval(retention)
        var total = PrunedRows()
        do {
            for _ in 0..<StatePruner.rounds {
                let round = try await store.prune(before: cutoff, limit: StatePruner.batch)
                total.add(round)
                if !round.reachedLimit { break }
            }
        } catch {
            logger.warning("state prune failed; tried again later", metadata: ["error": "\(error)"])
        }
        var metadata: Logger.Metadata = ["before": "\(Timestamp(cutoff))"]
        for table in PrunedRows.tables where total[table] > 0 {
            metadata[table] = "\(total[table])"
            pruned?.increment(MetricsRegistry.TableLabel(table: table), by: Double(total[table]))
        }
        if total.total > 0 {
            logger.info("state pruned", metadata: metadata)
        } else {
            logger.debug("state pruned", metadata: metadata)
        }
        return total.reachedLimit
    }

}

extension Watcher {
    /// The state to prune and how long it keeps what ended; nil for a state that forgets
    /// nothing (a dry run's).
    var retention: (store: any StateRetention, seconds: Int)? {
        guard let store = store as? any StateRetention else { return nil }
        return (store, configuration.retention)
    }
}
