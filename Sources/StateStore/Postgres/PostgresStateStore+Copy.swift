import Foundation
import GRDB
import PostgresNIO

extension PostgresStateStore {
    /// A table's columns as copied: each value goes as text and is cast on the way in.
    struct CopiedTable: Sendable {
        enum Kind: String, Sendable { case text, bigint, boolean, bytea }
        var name: String
        var columns: [(name: String, kind: Kind)]
        /// The file's key to read rows in the order of, a batch after the last row of the one
        /// before (not by offset, which reads every row before the batch again), so serial ids
        /// (transitions, the delivery log) keep that order.
        var order: [String]
    }

    /// Every table of the current schema, in an order that copies nothing twice.
    static let copiedTables: [CopiedTable] = [
        CopiedTable(name: "ticket_snapshot", columns: [
            ("ticket_id", .text), ("source", .text), ("status", .text), ("priority", .text), ("assignee", .text), ("grp", .text),
            ("changed_at", .bigint)], order: ["ticket_id"]),
        CopiedTable(name: "transition", columns: [("ticket_id", .text), ("at", .bigint), ("kind", .text), ("value", .text)], order: ["id"]),
        CopiedTable(name: "intent", columns: [
            ("id", .text), ("clock_key", .text), ("ticket_id", .text), ("metric", .text), ("cycle", .bigint), ("step", .text),
            ("kind", .text), ("channel", .text), ("role", .text), ("late", .boolean), ("template", .text), ("reason", .text),
            ("status", .text), ("not_before", .bigint), ("message_key", .text), ("created_at", .bigint)], order: ["rowid"]),
        CopiedTable(name: "outbox", columns: [
            ("key", .text), ("channel", .text), ("message", .bytea), ("status", .text), ("attempts", .bigint),
            ("next_attempt_at", .bigint), ("created_at", .bigint), ("delivered_at", .bigint), ("last_error", .text)], order: ["rowid"]),
        CopiedTable(name: "delivery_log", columns: [
            ("key", .text), ("channel", .text), ("at", .bigint), ("outcome", .text), ("detail", .text)], order: ["id"]),
        CopiedTable(name: "breach", columns: [("clock_key", .text), ("customer_id", .text), ("ticket_id", .text), ("at", .bigint)],
                    order: ["clock_key"]),
        CopiedTable(name: "source_cursor", columns: [("source", .text), ("cursor", .text), ("updated_at", .bigint)], order: ["source"]),
        CopiedTable(name: "channel_outage", columns: [("channel", .text), ("since", .bigint), ("dead_letters", .bigint)], order: ["channel"]),
        CopiedTable(name: "clock_outcome", columns: [
            ("clock_key", .text), ("source", .text), ("ticket_id", .text), ("metric", .text), ("cycle", .bigint), ("state", .text),
            ("policy", .text), ("calendar", .text), ("target_seconds", .bigint), ("started_at", .bigint), ("due_at", .bigint),
            ("fulfilled_at", .bigint), ("elapsed_seconds", .bigint), ("paused_seconds", .bigint), ("customer", .text), ("tier", .text),
            ("grp", .text), ("team", .text), ("channel", .text), ("priority", .text), ("recorded_at", .bigint)], order: ["clock_key"]),
        CopiedTable(name: "clock_hold", columns: [
            ("clock_key", .text), ("source", .text), ("ticket_id", .text), ("metric", .text), ("cycle", .bigint), ("kind", .text),
            ("by_name", .text), ("via", .text), ("at", .bigint), ("until", .bigint)], order: ["id"]),
        CopiedTable(name: "silence", columns: [
            ("id", .text), ("matchers", .text), ("breaches", .bigint), ("reason", .text), ("created_by", .text), ("starts_at", .bigint),
            ("ends_at", .bigint)], order: ["id"]),
        CopiedTable(name: "surge_sample", columns: [("dimension", .text), ("hour", .bigint), ("value", .text), ("open", .bigint)],
                    order: ["dimension", "hour", "value"]),
        CopiedTable(name: "surge", columns: [("dimension", .text), ("value", .text), ("since", .bigint), ("channels", .text)],
                    order: ["dimension", "value"]),
    ]

    /// Rows sent per statement.
    static let copyBatch = 5000

    /// Copies a SQLite state (stopped: no daemon writes it) into this one, which must be
    /// empty and led by no daemon, in one transaction; returns the rows copied per table,
    /// and tells `copied` each table's as it is done.
    ///
    /// Both must be at the same schema, and every table of the file must be one this
    /// slawatch knows: a state from another version is refused, never copied in part.
    ///
    /// The transaction runs on a connection of its own, for as long as the copy takes: each
    /// statement, not the whole, is held to the store's patience, so a state of millions of
    /// rows is copied, and a server that stops answering is still an error in time.
    public func copy(
        from source: StateStore, copied: @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws(StateStoreError) -> [(table: String, rows: Int)] {
        let applied: Set<String>, tables: Set<String>
        do {
            (applied, tables) = try await source.pool.read { db in
                (try StateStore.migrator.appliedIdentifiers(db),
                 Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")))
            }
        } catch {
            throw StateStore.describe(error, path: source.path)
        }
        let known = PostgresStateStore.migrations.map(\.identifier)
        guard applied == Set(known) else {
            let latest = known.last(where: applied.contains) ?? "none"
            throw StateStoreError(.olderSchema, "\(source.path): the file is at schema \(latest), this slawatch at "
                + "\(known.last ?? "none"); run this slawatch once on the file (slawatch run --once) so it migrates, then copy")
        }
        let unknown = tables.subtracting(PostgresStateStore.copiedTables.map(\.name) + ["grdb_migrations"]).filter { !$0.hasPrefix("sqlite_") }
        guard unknown.isEmpty else {
            throw StateStoreError(.newerSchema, "\(source.path): tables \(unknown.sorted().joined(separator: ", ")) are unknown to this "
                + "slawatch; copy with the slawatch that wrote the file")
        }
        let (endpoint, instance, logger) = (endpoint, instance, logger)
        let connection = try await patiently {
            try await PostgresConnection.connect(
                configuration: try endpoint.connectionConfiguration(applicationName: instance), id: 0, logger: logger)
        }
        do {
            let counts = try await copy(source, on: connection, copied: copied)
            try? await connection.close()
            return counts
        } catch {
            // Closing the connection ends its transaction: the database stays empty.
            try? await connection.close()
            throw error
        }
    }

    private func copy(
        _ source: StateStore, on connection: PostgresConnection, copied: @Sendable (String, Int) -> Void
    ) async throws(StateStoreError) -> [(table: String, rows: Int)] {
        let (endpoint, logger) = (endpoint, logger)
        try await patiently { _ = try await connection.query("BEGIN", logger: logger) }
        let (rows, led) = try await patiently {
            let state = try await connection.query("""
                SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM intent) + (SELECT COUNT(*) FROM ticket_snapshot),
                    EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                        AND classid::bigint = \(Int64(PostgresStateStore.lockClass)) AND objid::bigint = \(Int64(PostgresStateStore.leaderLock))
                        AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
                """, logger: logger)
            var answer: (Int64, Bool) = (0, false)
            for try await row in state.decode((Int64, Bool).self) { answer = row }
            return answer
        }
        guard !led else {
            throw StateStoreError(.locked, "\(endpoint): a slawatch daemon runs on this state; stop every daemon, then copy")
        }
        guard rows == 0 else {
            throw StateStoreError(.failed, "\(endpoint): the state already holds tickets or messages; copy into an empty database")
        }
        var counts: [(table: String, rows: Int)] = []
        for table in PostgresStateStore.copiedTables {
            var count = 0
            var batch = try await PostgresStateStore.batch(of: table, after: nil, from: source)
            while let last = batch.last {
                // The file's next batch is read while the server takes this one.
                async let next = PostgresStateStore.batch(of: table, after: last, from: source)
                let rows = batch.rows
                try await patiently { try await connection.copy(rows, into: table.name, logger: logger) }
                count += rows.count
                do {
                    batch = try await next
                } catch {
                    throw StateStoreError.caught(error)
                }
            }
            counts.append((table.name, count))
            copied(table.name, count)
        }
        try await patiently { _ = try await connection.query("COMMIT", logger: logger) }
        return counts
    }

    /// The next `copyBatch` rows of `table` in the file, after the row whose key is `after`
    /// (from the first when nil), as `COPY` reads them, and the key of the last of them
    /// (nil: none left).
    private static func batch(
        of table: CopiedTable, after: [DatabaseValue]?, from source: StateStore
    ) async throws(StateStoreError) -> (rows: CopyRows, last: [DatabaseValue]?) {
        let key = table.order.joined(separator: ", ")
        let names = table.columns.map(\.name).joined(separator: ", ")
        let place = after.map { "WHERE (\(key)) > (\(Array(repeating: "?", count: $0.count).joined(separator: ", "))) " } ?? ""
        let sql = "SELECT \(key), \(names) FROM \(table.name) \(place)ORDER BY \(key) LIMIT \(copyBatch)"
        do {
            return try await source.pool.read { db in
                var rows = CopyRows(columns: table.columns.map(\.name), capacity: copyBatch)
                var last: [DatabaseValue]?
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(after ?? []))
                let keyCount = table.order.count
                while let row = try cursor.next() {
                    last = (0..<keyCount).map { row[$0] as DatabaseValue }
                    for (offset, column) in table.columns.enumerated() {
                        PostgresStateStore.write(row[keyCount + offset] as DatabaseValue, as: column.kind, to: &rows)
                    }
                    rows.endRow()
                }
                return (rows, last)
            }
        } catch {
            throw StateStore.describe(error, path: source.path)
        }
    }

    /// A value of the file as `COPY` reads its column's kind: SQLite's 0 and 1 as false and
    /// true, a blob as its bytes; any other value as its text, which the server casts.
    private static func write(_ value: DatabaseValue, as kind: CopiedTable.Kind, to rows: inout CopyRows) {
        switch (value.storage, kind) {
        case (.null, _): rows.text(nil)
        case (.int64(let number), .boolean): rows.bool(number != 0)
        case (.int64(let number), .bigint): rows.number(number)
        case (.blob(let data), .bytea): rows.bytes(data)
        case (.string(let text), .bytea): rows.bytes(text.utf8)
        case (.int64(let number), _): rows.text(String(number))
        case (.double(let number), _): rows.text(String(number))
        case (.string(let text), _): rows.text(text)
        case (.blob(let data), _): rows.text(String(decoding: data, as: UTF8.self))
        }
    }
}
