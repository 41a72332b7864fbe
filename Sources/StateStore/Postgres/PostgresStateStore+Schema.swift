import PostgresNIO

extension PostgresStateStore {
    /// Every schema version, oldest first, named as SQLite's are, each a list of statements.
    /// Never edit a registered migration: add one.
    ///
    /// `v1` also holds what only a shared state needs: the leader row (epoch, holder,
    /// heartbeat) and the epoch that claimed each outbox row and logged each delivery.
    static let migrations: [(identifier: String, statements: [String])] = [
        ("v1", [
            """
            CREATE TABLE ticket_snapshot (
                ticket_id TEXT PRIMARY KEY, source TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL,
                assignee TEXT, grp TEXT, seen_at BIGINT NOT NULL)
            """,
            "CREATE TABLE transition (id BIGSERIAL PRIMARY KEY, ticket_id TEXT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, value TEXT)",
            "CREATE INDEX transition_ticket ON transition (ticket_id, at)",
            """
            CREATE TABLE intent (
                id TEXT PRIMARY KEY, clock_key TEXT NOT NULL, ticket_id TEXT NOT NULL, metric TEXT NOT NULL, cycle INTEGER NOT NULL,
                step TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT, role TEXT, late BOOLEAN NOT NULL, template TEXT, reason TEXT,
                status TEXT NOT NULL, not_before BIGINT, message_key TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX intent_held ON intent (status, not_before) WHERE status = 'held'",
            """
            CREATE TABLE outbox (
                key TEXT PRIMARY KEY, channel TEXT NOT NULL, message BYTEA NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, created_at BIGINT NOT NULL,
                delivered_at BIGINT, last_error TEXT, claimed_epoch BIGINT)
            """,
            "CREATE INDEX outbox_pending ON outbox (status, next_attempt_at)",
            """
            CREATE TABLE delivery_log (
                id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL, channel TEXT NOT NULL, at BIGINT NOT NULL, outcome TEXT NOT NULL,
                detail TEXT, epoch BIGINT)
            """,
            "CREATE INDEX delivery_log_key ON delivery_log (key)",
            "CREATE TABLE breach (clock_key TEXT PRIMARY KEY, customer_id TEXT NOT NULL, ticket_id TEXT NOT NULL, at BIGINT NOT NULL)",
            "CREATE INDEX breach_customer ON breach (customer_id, at)",
            "CREATE TABLE source_cursor (source TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at BIGINT NOT NULL)",
            """
            CREATE TABLE leader (
                id INTEGER PRIMARY KEY CHECK (id = 1), epoch BIGINT NOT NULL, holder TEXT, heartbeat_at TIMESTAMPTZ)
            """,
            "INSERT INTO leader (id, epoch) VALUES (1, 0)",
        ]),
        // A snapshot is written when it is new or changed, so its time is `changed_at`; the
        // breach index nothing read is gone.
        ("v2", [
            "ALTER TABLE ticket_snapshot RENAME COLUMN seen_at TO changed_at",
            "DROP INDEX breach_customer",
        ]),
        // Channel outages outlive a restart, so ops hear once per outage, not once per start.
        ("v3", [
            "CREATE TABLE channel_outage (channel TEXT PRIMARY KEY, since BIGINT NOT NULL, dead_letters INTEGER NOT NULL)",
        ]),
        // Ticket identity is (source, id): every `ticket_id` column holds `SOURCE:ID`, and
        // clock keys and intent ids start with it, rekeyed through the snapshot's source.
        ("v4", [
            """
            UPDATE transition SET ticket_id = s.source || ':' || transition.ticket_id
                FROM ticket_snapshot s WHERE s.ticket_id = transition.ticket_id
            """,
            """
            UPDATE intent SET ticket_id = s.source || ':' || intent.ticket_id, clock_key = s.source || ':' || intent.clock_key,
                id = s.source || ':' || intent.id
                FROM ticket_snapshot s WHERE s.ticket_id = intent.ticket_id
            """,
            """
            UPDATE breach SET ticket_id = s.source || ':' || breach.ticket_id, clock_key = s.source || ':' || breach.clock_key
                FROM ticket_snapshot s WHERE s.ticket_id = breach.ticket_id
            """,
            "UPDATE ticket_snapshot SET ticket_id = source || ':' || ticket_id",
        ]),
        // What became of each clock that breached, was met or was missed, for reports.
        ("v5-clock-outcomes", [
            """
            CREATE TABLE clock_outcome (
                clock_key TEXT PRIMARY KEY, source TEXT, ticket_id TEXT NOT NULL, metric TEXT NOT NULL, cycle INTEGER NOT NULL,
                state TEXT NOT NULL, policy TEXT NOT NULL, calendar TEXT NOT NULL, target_seconds BIGINT NOT NULL,
                started_at BIGINT NOT NULL, due_at BIGINT, fulfilled_at BIGINT, elapsed_seconds BIGINT NOT NULL,
                paused_seconds BIGINT NOT NULL, customer TEXT NOT NULL, tier TEXT, grp TEXT, team TEXT, channel TEXT,
                priority TEXT NOT NULL, recorded_at BIGINT NOT NULL)
            """,
            "CREATE INDEX clock_outcome_fulfilled ON clock_outcome (fulfilled_at)",
            "CREATE INDEX clock_outcome_due ON clock_outcome (due_at)",
        ]),
        // People answer: acknowledgements and snoozes that hold a clock's ladder, and
        // silences that mute matching messages for a while.
        ("v6-acks", [
            """
            CREATE TABLE clock_hold (
                id BIGSERIAL PRIMARY KEY, clock_key TEXT NOT NULL, source TEXT NOT NULL, ticket_id TEXT NOT NULL, metric TEXT NOT NULL,
                cycle INTEGER NOT NULL, kind TEXT NOT NULL, by_name TEXT NOT NULL, via TEXT NOT NULL, at BIGINT NOT NULL,
                until BIGINT NOT NULL)
            """,
            "CREATE INDEX clock_hold_clock ON clock_hold (clock_key, at)",
            """
            CREATE TABLE silence (
                id TEXT PRIMARY KEY, matchers TEXT NOT NULL, breaches INTEGER NOT NULL, reason TEXT NOT NULL, created_by TEXT,
                starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL)
            """,
        ]),
        // Surges: open tickets per value of a dimension, one sample per hour, and the surges in progress.
        ("v7-risks", [
            """
            CREATE TABLE surge_sample (
                dimension TEXT NOT NULL, hour BIGINT NOT NULL, value TEXT NOT NULL, open INTEGER NOT NULL,
                PRIMARY KEY (dimension, hour, value))
            """,
            """
            CREATE TABLE surge (
                dimension TEXT NOT NULL, value TEXT NOT NULL, since BIGINT NOT NULL, channels TEXT NOT NULL,
                PRIMARY KEY (dimension, value))
            """,
        ]),
        // The SQLite file lost its clock outcome time indexes; the tables here keep theirs (a
        // server's writes are not the daemon's tick), and the version stays the file's, so
        // `state copy` matches the two.
        ("v8", []),
        // The SQLite file lost its delivery log's index on keys; as with v8, the version is
        // the file's, so `state copy` matches the two.
        ("v9", []),
    ]

    /// Creates the schema or brings it up to date, under a transaction-scoped advisory lock
    /// so daemons starting at once migrate one after the other. It runs on a connection of
    /// its own, so a server that cannot be reached, or refuses the login, is an error at once.
    func migrate(upTo last: String? = nil) async throws(StateStoreError) {
        let endpoint = endpoint
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try endpoint.connectionConfiguration(applicationName: instance), id: 0, logger: logger)
        } catch {
            throw PostgresStateStore.describe(error, endpoint: endpoint)
        }
        do {
            try await migrate(on: connection, upTo: last)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw PostgresStateStore.describe(error, endpoint: endpoint)
        }
    }

    private func migrate(on connection: PostgresConnection, upTo last: String?) async throws {
        let endpoint = endpoint
        let known = PostgresStateStore.migrations.map(\.identifier)
        let wanted = last.map { last in Array(PostgresStateStore.migrations.prefix { $0.identifier != last }) + PostgresStateStore.migrations.filter { $0.identifier == last } }
            ?? PostgresStateStore.migrations
        try await connection.withTransaction(logger: logger) { connection in
            let logger = self.logger
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresStateStore.lockClass), \(PostgresStateStore.migrationLock))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(PostgresStateStore.schema)"), logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = Set(try await connection.query("SELECT identifier FROM schema_migrations", logger: logger).all(String.self))
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else {
                throw StateStoreError(.newerSchema, "\(endpoint): the state was written by a newer slawatch (schema "
                    + "\(unknown.sorted().joined(separator: ", ")) is unknown to this one); run the newer slawatch, "
                    + "or point `state:` at another database")
            }
            for migration in wanted where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (identifier) VALUES (\(migration.identifier))", logger: logger)
            }
        }
    }

    /// The migrations applied, in order: for tests and `state copy`.
    public func appliedMigrations() async throws(StateStoreError) -> [String] {
        try await read { connection, logger in
            try await connection.query("SELECT identifier FROM schema_migrations ORDER BY applied_at, identifier", logger: logger).all(String.self)
        }
    }
}
