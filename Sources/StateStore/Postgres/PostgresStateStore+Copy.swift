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
            var after: [DatabaseValue]? = nil
            while true {
                let (rows, last) = try await PostgresStateStore.batch(of: table, after: after, from: source)
                guard let last else { break }
                let insert = PostgresStateStore.insert(rows, into: table)
                try await patiently { _ = try await connection.query(insert, logger: logger) }
                count += rows.count
                after = last
            }
            counts.append((table.name, count))
            copied(table.name, count)
        }
        try await patiently { _ = try await connection.query("COMMIT", logger: logger) }
        return counts
    }

    /// The next `copyBatch` rows of `table` in the file, after the row whose key is `after`
    /// (from the first when nil), as text, and the key of the last of them (nil: none left).
    private static func batch(
        of table: CopiedTable, after: [DatabaseValue]?, from source: StateStore
    ) async throws(StateStoreError) -> (rows: [[String?]], last: [DatabaseValue]?) {
        let key = table.order.joined(separator: ", ")
        let names = table.columns.map(\.name).joined(separator: ", ")
        let place = after.map { "WHERE (\(key)) > (\(Array(repeating: "?", count: $0.count).joined(separator: ", "))) " } ?? ""
        let sql = "SELECT \(key), \(names) FROM \(table.name) \(place)ORDER BY \(key) LIMIT \(copyBatch)"
        do {
            return try await source.pool.read { db in
                var rows: [[String?]] = []
                var last: [DatabaseValue]?
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(after ?? []))
                while let row = try cursor.next() {
                    let keyCount = table.order.count
                    last = (0..<keyCount).map { row[$0] as DatabaseValue }
                    rows.append((keyCount..<row.count).map { PostgresStateStore.text(row[$0] as DatabaseValue) })
                }
                return (rows, last)
            }
        } catch {
            throw StateStore.describe(error, path: source.path)
        }
    }

    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): text
        case .blob(let data): String(decoding: data, as: UTF8.self)
        }
    }

    /// One `INSERT … SELECT FROM unnest(…)` of `rows`, every value cast from text.
    private static func insert(_ rows: [[String?]], into table: CopiedTable) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: table.columns.count * 2)
        var selected: [String] = [], arrays: [String] = [], names: [String] = []
        for (index, column) in table.columns.enumerated() {
            bindings.append(rows.map { $0[index] ?? "" })
            bindings.append(rows.map { $0[index] == nil })
            arrays.append("$\(2 * index + 1)::text[], $\(2 * index + 2)::bool[]")
            names.append("c\(index), n\(index)")
            let value = switch column.kind {
            case .text: "c\(index)"
            case .bigint: "c\(index)::bigint"
            case .boolean: "c\(index)::integer <> 0"
            case .bytea: "convert_to(c\(index), 'UTF8')"
            }
            selected.append("CASE WHEN n\(index) THEN NULL ELSE \(value) END")
        }
        return PostgresQuery(unsafeSQL: """
            INSERT INTO \(table.name) (\(table.columns.map(\.name).joined(separator: ", ")))
            SELECT \(selected.joined(separator: ", ")) FROM unnest(\(arrays.joined(separator: ", "))) AS r(\(names.joined(separator: ", ")))
            """, binds: bindings)
    }
}
