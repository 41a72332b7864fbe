import GRDB

extension StateStore {
    /// Every schema version, oldest first. Never edit a registered migration: add one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE ticket_snapshot (
                    ticket_id TEXT PRIMARY KEY,
                    source TEXT NOT NULL,
                    status TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    assignee TEXT,
                    grp TEXT,
                    seen_at INTEGER NOT NULL
                );
                CREATE TABLE transition (
                    id INTEGER PRIMARY KEY,
                    ticket_id TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    value TEXT
                );
                CREATE INDEX transition_ticket ON transition(ticket_id, at);
                CREATE TABLE intent (
                    id TEXT PRIMARY KEY,
                    clock_key TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    cycle INTEGER NOT NULL,
                    step TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    channel TEXT,
                    role TEXT,
                    late INTEGER NOT NULL,
                    template TEXT,
                    reason TEXT,
                    status TEXT NOT NULL,
                    not_before INTEGER,
                    message_key TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX intent_held ON intent(status, not_before) WHERE status = 'held';
                CREATE TABLE outbox (
                    key TEXT PRIMARY KEY,
                    channel TEXT NOT NULL,
                    message BLOB NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    last_error TEXT
                );
                CREATE INDEX outbox_pending ON outbox(status, next_attempt_at);
                CREATE TABLE delivery_log (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT
                );
                CREATE INDEX delivery_log_key ON delivery_log(key);
                CREATE TABLE breach (
                    clock_key TEXT PRIMARY KEY,
                    customer_id TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX breach_customer ON breach(customer_id, at);
                CREATE TABLE source_cursor (
                    source TEXT PRIMARY KEY,
                    cursor TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """)
        }
        // Large first ticks: breaches and snapshots (short rows) live in their key's b-tree
        // alone, not in a rowid table beside a key index, and the breach index nothing read
        // is gone. (Intents stay in a rowid table: their rows are long, and SQLite inserts
        // long rows into a key-ordered b-tree more slowly.) A snapshot is written when it is
        // new or changed, so its time is `changed_at`.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE breach_v2 (
                    clock_key TEXT PRIMARY KEY,
                    customer_id TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    at INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO breach_v2 SELECT clock_key, customer_id, ticket_id, at FROM breach;
                DROP TABLE breach;
                ALTER TABLE breach_v2 RENAME TO breach;

                CREATE TABLE ticket_snapshot_v2 (
                    ticket_id TEXT PRIMARY KEY,
                    source TEXT NOT NULL,
                    status TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    assignee TEXT,
                    grp TEXT,
                    changed_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO ticket_snapshot_v2 SELECT ticket_id, source, status, priority, assignee, grp, seen_at FROM ticket_snapshot;
                DROP TABLE ticket_snapshot;
                ALTER TABLE ticket_snapshot_v2 RENAME TO ticket_snapshot;
                """)
        }
        // Channel outages outlive a restart, so ops hear once per outage, not once per start.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE channel_outage (
                    channel TEXT PRIMARY KEY,
                    since INTEGER NOT NULL,
                    dead_letters INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // Ticket identity is (source, id): two sources may both have a ticket `1001`. Every
        // `ticket_id` column holds the ticket key `SOURCE:ID`, and clock keys and intent ids
        // start with it. Rows are rekeyed through the source their ticket's snapshot names;
        // a row whose ticket has no snapshot keeps its key (its ticket was never polled).
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                UPDATE transition SET ticket_id = s.source || ':' || transition.ticket_id
                    FROM ticket_snapshot s WHERE s.ticket_id = transition.ticket_id;
                UPDATE intent SET ticket_id = s.source || ':' || intent.ticket_id,
                        clock_key = s.source || ':' || intent.clock_key, id = s.source || ':' || intent.id
                    FROM ticket_snapshot s WHERE s.ticket_id = intent.ticket_id;
                UPDATE breach SET ticket_id = s.source || ':' || breach.ticket_id,
                        clock_key = s.source || ':' || breach.clock_key
                    FROM ticket_snapshot s WHERE s.ticket_id = breach.ticket_id;
                UPDATE ticket_snapshot SET ticket_id = source || ':' || ticket_id;
                """)
        }
        // What became of each clock that breached, was met or was missed, with the ticket's
        // facts as they were, so reports read history instead of re-evaluating old tickets.
        migrator.registerMigration("v5-clock-outcomes") { db in
            try db.execute(sql: """
                CREATE TABLE clock_outcome (
                    clock_key TEXT PRIMARY KEY,
                    source TEXT,
                    ticket_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    cycle INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    policy TEXT NOT NULL,
                    calendar TEXT NOT NULL,
                    target_seconds INTEGER NOT NULL,
                    started_at INTEGER NOT NULL,
                    due_at INTEGER,
                    fulfilled_at INTEGER,
                    elapsed_seconds INTEGER NOT NULL,
                    paused_seconds INTEGER NOT NULL,
                    customer TEXT NOT NULL,
                    tier TEXT,
                    grp TEXT,
                    team TEXT,
                    channel TEXT,
                    priority TEXT NOT NULL,
                    recorded_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX clock_outcome_fulfilled ON clock_outcome(fulfilled_at);
                CREATE INDEX clock_outcome_due ON clock_outcome(due_at);
                """)
        }
        // People answer: acknowledgements and snoozes that hold a clock's ladder, and
        // silences that mute matching messages for a while.
        migrator.registerMigration("v6-acks") { db in
            try db.execute(sql: """
                CREATE TABLE clock_hold (
                    id INTEGER PRIMARY KEY,
                    clock_key TEXT NOT NULL,
                    source TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    cycle INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    by_name TEXT NOT NULL,
                    via TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    until INTEGER NOT NULL
                );
                CREATE INDEX clock_hold_clock ON clock_hold(clock_key, at);
                CREATE TABLE silence (
                    id TEXT PRIMARY KEY,
                    matchers TEXT NOT NULL,
                    breaches INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    created_by TEXT,
                    starts_at INTEGER NOT NULL,
                    ends_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        // Surges: open tickets per value of a dimension, one sample per hour (the value ''
        // marks an hour that was sampled, so a value absent from it had none), and the
        // surges in progress with the channels that heard them start. Risk firings need no
        // table: they are intents, keyed `TICKET/risk/NAME` and stepped by occurrence.
        migrator.registerMigration("v7-risks") { db in
            try db.execute(sql: """
                CREATE TABLE surge_sample (
                    dimension TEXT NOT NULL,
                    hour INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    open INTEGER NOT NULL,
                    PRIMARY KEY (dimension, hour, value)
                ) WITHOUT ROWID;
                CREATE TABLE surge (
                    dimension TEXT NOT NULL,
                    value TEXT NOT NULL,
                    since INTEGER NOT NULL,
                    channels TEXT NOT NULL,
                    PRIMARY KEY (dimension, value)
                ) WITHOUT ROWID;
                """)
        }
        // The first tick over a large backlog writes a clock outcome for most of its clocks;
        // the indexes on their fulfilled and due times cost its writer a fifth of a second
        // and 13 MB at 100,000 tickets, for reports alone, which read the table once a period:
        // a report scans it.
        migrator.registerMigration("v8") { db in
            try db.execute(sql: """
                DROP INDEX clock_outcome_fulfilled;
                DROP INDEX clock_outcome_due;
                """)
        }
        // Every attempt's record added a key to the delivery log's index on keys, a page of
        // the WAL each in a burst of deliveries, and nothing reads the log by key: it is an
        // audit trail, read whole (state copy) or pruned by age.
        migrator.registerMigration("v9") { db in
            try db.execute(sql: "DROP INDEX delivery_log_key")
        }
        return migrator
    }()
}
