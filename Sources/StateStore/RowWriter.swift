import Foundation
import GRDB
import GRDBSQLite

/// One prepared statement run for many rows, binding each value straight to SQLite.
///
/// GRDB's `StatementArguments` box every value; for the hundred thousand rows a first tick
/// over a large backlog writes, that boxing costs more than SQLite itself. Values are bound
/// in order with `bind`, then `run` steps and resets the statement for the next row.
///
/// A row's text is gathered in one buffer the writer owns and bound without SQLite taking a
/// copy (`SQLITE_STATIC`): a copy is a locked allocation and a free per value.
struct RowWriter {
    private let statement: Statement
    private let connection: OpaquePointer?
    private var column: Int32 = 0
    /// The row's text values, end to end, and where each is bound.
    private var text: [UInt8] = []
    private var textColumns: [(column: Int32, start: Int, count: Int)] = []

    private static let unchanging = unsafeBitCast(OpaquePointer(bitPattern: 0), to: sqlite3_destructor_type.self)
    /// `SQLITE_TRANSIENT`: SQLite copies the value before the bind returns.
    private static let copied = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
    }

    mutating func bind(_ value: String?) throws {
        column += 1
        guard var value else { return try check(sqlite3_bind_null(statement.sqliteStatement, column)) }
        let start = text.count
        value.withUTF8 { text.append(contentsOf: $0) }
        textColumns.append((column, start, text.count - start))
    }

    mutating func bind(_ value: Int64?) throws {
        column += 1
        guard let value else { return try check(sqlite3_bind_null(statement.sqliteStatement, column)) }
        try check(sqlite3_bind_int64(statement.sqliteStatement, column, value))
    }

    mutating func bind(_ value: Int) throws { try bind(Int64(value)) }

    /// Binds a blob; SQLite takes its own copy (an outbox row's message, a few hundred bytes).
    mutating func bind(_ value: Data) throws {
        column += 1
        let code = value.withUnsafeBytes { bytes in
            sqlite3_bind_blob(statement.sqliteStatement, column, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(bytes.count), RowWriter.copied)
        }
        try check(code)
    }

    mutating func bind(_ value: Bool) throws { try bind(value ? 1 : 0) }

    /// Runs the statement with the values bound since the last run.
    mutating func run() throws {
        let sqliteStatement = statement.sqliteStatement
        defer {
            sqlite3_reset(sqliteStatement)
            // No binding may outlive the buffer it points into.
            sqlite3_clear_bindings(sqliteStatement)
            column = 0
            text.removeAll(keepingCapacity: true)
            textColumns.removeAll(keepingCapacity: true)
        }
        let code = try text.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            for (column, start, count) in textColumns {
                try check(sqlite3_bind_text(
                    sqliteStatement, column, (base + start).assumingMemoryBound(to: CChar.self), Int32(count), RowWriter.unchanging
                ))
            }
            return sqlite3_step(sqliteStatement)
        }
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: connection.map { String(cString: sqlite3_errmsg($0)) },
            sql: statement.sql
        )
    }
}
