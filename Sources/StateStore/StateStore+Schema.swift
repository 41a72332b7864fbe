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
        return migrator
    }()
}
