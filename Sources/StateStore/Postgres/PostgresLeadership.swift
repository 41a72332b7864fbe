public import Foundation
public import Logging
import PostgresNIO
import Synchronization

/// Which daemon leads a shared PostgreSQL state: a session advisory lock held on a
/// connection of its own (never a pooled one), a heartbeat the leader renews while its
/// loops make progress, and an epoch incremented on every takeover, which the store checks
/// on every write made for the leader.
///
/// A standby that finds the heartbeat older than `lease` ends every session of the holder
/// (`pg_terminate_backend`: a SIGSTOPped leader keeps its sessions, and its lock, otherwise),
/// takes the lock and increments the epoch. A leader that cannot renew (its session ended,
/// another epoch is current, or its loops stalled for `lease`) stops leading at once.
public final class PostgresLeadership: Sendable {
    /// What this daemon is, as of the last round.
    public enum Role: Sendable, Hashable {
        case leader(epoch: Int64)
        /// `holder` is the leader's `application_name`, when one is known.
        case standby(holder: String?)

        public var isLeader: Bool { if case .leader = self { true } else { false } }
    }

    private let store: PostgresStateStore
    /// Seconds a heartbeat may go unrenewed.
    public let lease: Double
    private let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        var connection: PostgresConnection?
        var epoch: Int64?
        var renewedAt: ContinuousClock.Instant?
        var connections = 0
        /// Since when, and why, the rounds have failed to reach PostgreSQL; nil while they reach it.
        var unreachable: (since: Date, reason: String)?
    }

    /// Since when, and why, this daemon cannot reach the state database; nil while it can.
    /// A standby in that state could not take the lead, so it is not ready.
    public var unreachable: (since: Date, reason: String)? { state.withLock { $0.unreachable } }

    public init(store: PostgresStateStore, lease: Double, logger: Logger) {
        self.store = store
        self.lease = lease
        self.logger = logger
    }

    /// One turn of the leadership loop: renews the lead (when `progressing`), or seeks it.
    /// Any failure to reach PostgreSQL ends the lead.
    public func round(progressing: Bool) async -> Role {
        do {
            // A round that cannot finish within the lease has lost the lead anyway.
            return try await withDeadline(.seconds(max(1, lease / 2)), onTimeout: {
                StateStoreError(.unavailable, "the leadership round did not finish within half the lease")
            }) { [self] in
                let connection = try await connected()
                let role = if let epoch = state.withLock({ $0.epoch }) {
                    try await renew(epoch, progressing: progressing, on: connection)
                } else {
                    try await seek(on: connection)
                }
                state.withLock { $0.unreachable = nil }
                return role
            }
        } catch {
            let reason = "\(PostgresStateStore.describe(error, endpoint: store.endpoint))"
            state.withLock { $0.unreachable = ($0.unreachable?.since ?? Date(), reason) }
            logger.warning("leadership: cannot reach the state database", metadata: ["error": "\(reason)"])
            await resign()
            return .standby(holder: nil)
        }
    }

    /// Stops leading: the store writes nothing more for this daemon, and the session that
    /// holds the lock ends, so a standby takes over at once.
    public func resign() async {
        let (connection, epoch) = state.withLock { state in
            defer {
                state.connection = nil
                state.epoch = nil
                state.renewedAt = nil
            }
            return (state.connection, state.epoch)
        }
        try? await store.lead(epoch: nil)
        guard let connection else { return }
        // Let go of the lock before the session ends, so a standby's next try finds it free.
        if !connection.isClosed {
            let (logger, instance) = (logger, store.instance)
            _ = try? await withDeadline(.seconds(1), onTimeout: { CancellationError() }) {
                if let epoch {
                    try await connection.query(
                        "UPDATE leader SET holder = NULL, heartbeat_at = NULL WHERE id = 1 AND epoch = \(epoch) AND holder = \(instance)",
                        logger: logger)
                }
                try await connection.query("SELECT pg_advisory_unlock_all()", logger: logger)
            }
        }
        try? await connection.close()
    }

    private func renew(_ epoch: Int64, progressing: Bool, on connection: PostgresConnection) async throws -> Role {
        let now = ContinuousClock.now
        guard progressing else {
            let renewed = state.withLock { $0.renewedAt } ?? now
            if now - renewed >= .seconds(lease) {
                logger.error("leadership: the loops made no progress for the whole lease; standing down")
                await resign()
                return .standby(holder: nil)
            }
            return .leader(epoch: epoch)
        }
        let rows = try await connection.query("""
            UPDATE leader SET heartbeat_at = clock_timestamp() WHERE id = 1 AND epoch = \(epoch) AND holder = \(store.instance)
            RETURNING epoch
            """, logger: logger)
        guard try await !rows.all(Int64.self).isEmpty else {
            await resign()
            return .standby(holder: nil)
        }
        state.withLock { $0.renewedAt = now }
        return .leader(epoch: epoch)
    }

    private func seek(on connection: PostgresConnection) async throws -> Role {
        if try await tryLock(connection) { return try await takeOver(on: connection) }
        let rows = try await connection.query("""
            SELECT holder, EXTRACT(EPOCH FROM clock_timestamp() - heartbeat_at)::float8 FROM leader WHERE id = 1
            """, logger: logger)
        var holder: String?, age: Double?
        for try await (name, seconds) in rows.decode((String?, Double?).self) { (holder, age) = (name, seconds) }
        guard let age, age > lease else { return .standby(holder: holder) }
        // The holder's heartbeat is stale: end every session of that daemon (the lock's too).
        let ended = try await connection.query("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND (application_name = \(holder ?? "")
                OR pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
                    AND classid::bigint = \(Int64(PostgresStateStore.lockClass)) AND objid::bigint = \(Int64(PostgresStateStore.leaderLock))
                    AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())))
            """, logger: logger).all(Bool.self)
        logger.warning("leadership: the leader's heartbeat is stale; ended its sessions", metadata: [
            "holder": "\(holder ?? "-")", "heartbeat_age_seconds": "\(String(format: "%.1f", age))", "sessions": "\(ended.count)",
        ])
        // A terminated backend lets go of its lock as it exits, which takes a moment.
        for _ in 0..<20 {
            if try await tryLock(connection) { return try await takeOver(on: connection) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return .standby(holder: holder)
    }

    private func tryLock(_ connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(\(PostgresStateStore.lockClass), \(PostgresStateStore.leaderLock))", logger: logger)
        return try await rows.all(Bool.self).first ?? false
    }

    private func takeOver(on connection: PostgresConnection) async throws -> Role {
        let rows = try await connection.query("""
            UPDATE leader SET epoch = epoch + 1, holder = \(store.instance), heartbeat_at = clock_timestamp() WHERE id = 1
            RETURNING epoch
            """, logger: logger)
        guard let epoch = try await rows.all(Int64.self).first else {
            throw StateStoreError(.failed, "\(store.endpoint): the leader row is missing; the schema is damaged")
        }
        try await store.lead(epoch: epoch)
        state.withLock {
            $0.epoch = epoch
            $0.renewedAt = .now
        }
        return .leader(epoch: epoch)
    }

    /// The leadership's own connection, opened when there is none. A new connection holds
    /// no lock, so whatever this daemon led under before is over.
    private func connected() async throws -> PostgresConnection {
        if let connection = state.withLock({ $0.connection }), !connection.isClosed { return connection }
        if state.withLock({ $0.epoch }) != nil { await resign() }
        let number = state.withLock { state in
            state.connections += 1
            return state.connections
        }
        let connection = try await PostgresConnection.connect(
            configuration: try store.endpoint.connectionConfiguration(applicationName: store.instance), id: number, logger: logger)
        do {
            // A takeover's update waits for no deposed leader's transaction for long.
            try await connection.query("SET lock_timeout = '2s'", logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        state.withLock { $0.connection = connection }
        return connection
    }
}
