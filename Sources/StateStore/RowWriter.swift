import Foundation
import GRDB
import GRDBSQLite

/// One prepared `INSERT … VALUES (…)` run for many rows, several rows per statement,
/// binding each value straight to SQLite.
///
/// GRDB's `StatementArguments` box every value; for the hundred thousand rows a first tick
/// over a large backlog writes, that boxing costs more than SQLite itself. Values are bound
/// in order with `bind`, a row is ended with `addRow`, and `finish` writes what is left.
///
/// Rows go `rowsPerStatement` at a time in one multi-row `VALUES` statement: SQLite runs a
/// statement's set-up and tear-down once for them all, which takes about a third off the
/// cost of writing a first tick's intents. A row's text is gathered in one buffer the writer
/// owns and bound without SQLite taking a copy (`SQLITE_STATIC`): a copy is a locked
/// allocation and a free per value.
struct RowWriter: ~Copyable {
    private enum Value {
        case null
        case integer(Int64)
        case text(start: Int, count: Int)
        case blob(Data)
    }

    private let single: Statement
    private let batched: Statement
    private let connection: OpaquePointer?
    /// Parameters per row.
    private let columns: Int
    private let rowsPerStatement: Int
    /// The values of the rows not yet written, row after row.
    private var values: [Value] = []
    /// Their text, end to end.
    private var text: [UInt8] = []

    private static let unchanging = unsafeBitCast(OpaquePointer(bitPattern: 0), to: sqlite3_destructor_type.self)
    /// `SQLITE_TRANSIENT`: SQLite copies the value before the bind returns.
    private static let copied = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// `sql` is an `INSERT` with one row's `VALUES (…)`, optionally followed by an upsert clause.
    init(_ db: Database, sql: String, rowsPerStatement: Int = 16) throws {
        let (head, row, tail) = RowWriter.split(sql)
        // Every statement made before anything is set: a writer is whole or not at all.
        let single = try db.makeStatement(sql: sql)
        let batched = try db.makeStatement(sql: head + repeatElement(row, count: rowsPerStatement).joined(separator: ", ") + tail)
        (self.single, self.batched) = (single, batched)
        connection = db.sqliteConnection
        columns = Int(sqlite3_bind_parameter_count(single.sqliteStatement))
        self.rowsPerStatement = rowsPerStatement
        values.reserveCapacity(columns * rowsPerStatement)
    }

    deinit {
        assert(values.isEmpty, "rows added to a RowWriter were never written: call finish()")
    }

    mutating func bind(_ value: String?) {
        guard var value else { return values.append(.null) }
        let start = text.count
        value.withUTF8 { text.append(contentsOf: $0) }
        values.append(.text(start: start, count: text.count - start))
    }

    mutating func bind(_ value: Int64?) { values.append(value.map(Value.integer) ?? .null) }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    /// Binds a blob; SQLite takes its own copy (an outbox row's message, a few hundred bytes).
    mutating func bind(_ value: Data) { values.append(.blob(value)) }

    mutating func bind(_ value: Bool) { bind(value ? 1 : 0) }

    /// Ends a row: the values bound since the last row make the next one. A full set of rows
    /// is written at once.
    mutating func addRow() throws {
        precondition(values.count % columns == 0, "a row of \(columns) values has \(values.count % columns)")
        if values.count == columns * rowsPerStatement { try write(batched) }
    }

    /// Writes the rows still waiting, one statement each.
    mutating func finish() throws {
        try write(single)
    }

    /// Writes every waiting row with `statement`: all of them in one run of the multi-row
    /// statement, or one run a row with the single-row one.
    mutating private func write(_ statement: Statement) throws {
        let sqliteStatement = statement.sqliteStatement
        let perRun = Int(sqlite3_bind_parameter_count(sqliteStatement))
        defer {
            values.removeAll(keepingCapacity: true)
            text.removeAll(keepingCapacity: true)
        }
        try text.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            var next = 0
            while next < values.count {
                defer {
                    sqlite3_reset(sqliteStatement)
                    // No binding may outlive the buffer it points into.
                    sqlite3_clear_bindings(sqliteStatement)
                }
                for parameter in 0..<perRun {
                    let index = Int32(parameter + 1)
                    switch values[next + parameter] {
                    case .null:
                        try check(sqlite3_bind_null(sqliteStatement, index), statement)
                    case .integer(let value):
                        try check(sqlite3_bind_int64(sqliteStatement, index, value), statement)
                    case .text(let start, let count):
                        try check(sqlite3_bind_text(
                            sqliteStatement, index, (base + start).assumingMemoryBound(to: CChar.self), Int32(count), RowWriter.unchanging
                        ), statement)
                    case .blob(let data):
                        try check(data.withUnsafeBytes { bytes in
                            sqlite3_bind_blob(
                                sqliteStatement, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(bytes.count), RowWriter.copied)
                        }, statement)
                    }
                }
                let code = sqlite3_step(sqliteStatement)
                guard code == SQLITE_DONE else { throw error(code, statement) }
                next += perRun
            }
        }
    }

    /// `sql` cut around its row of values: what comes before the row, the row, and what follows.
    private static func split(_ sql: String) -> (head: String, row: String, tail: String) {
        guard let values = sql.range(of: "VALUES"), let open = sql[values.upperBound...].firstIndex(of: "("),
              let close = sql[open...].firstIndex(of: ")")
        else { preconditionFailure("not an INSERT with one row of VALUES: \(sql)") }
        return (String(sql[..<open]), String(sql[open...close]), String(sql[sql.index(after: close)...]))
    }

    private func check(_ code: Int32, _ statement: Statement) throws {
        guard code == SQLITE_OK else { throw error(code, statement) }
    }

    private func error(_ code: Int32, _ statement: Statement) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: connection.map { String(cString: sqlite3_errmsg($0)) },
            sql: statement.sql
        )
    }
}
