import GRDB
import GRDBSQLite

/// One prepared statement run for many rows, binding each value straight to SQLite.
///
/// GRDB's `StatementArguments` box every value; for the hundred thousand rows a first tick
/// over a large backlog writes, that boxing costs more than SQLite itself. Values are bound
/// in order with `bind`, then `run` steps and resets the statement for the next row.
struct RowWriter {
    private let statement: Statement
    private let connection: OpaquePointer?
    private var column: Int32 = 0

    /// SQLite copies bound text before `bind` returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
    }

    mutating func bind(_ value: String?) throws {
        column += 1
        guard var value else { return try check(sqlite3_bind_null(statement.sqliteStatement, column)) }
        try value.withUTF8 { bytes in
            try check(sqlite3_bind_text(
                statement.sqliteStatement, column, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                Int32(bytes.count), RowWriter.transient
            ))
        }
    }

    mutating func bind(_ value: Int64?) throws {
        column += 1
        guard let value else { return try check(sqlite3_bind_null(statement.sqliteStatement, column)) }
        try check(sqlite3_bind_int64(statement.sqliteStatement, column, value))
    }

    mutating func bind(_ value: Int) throws { try bind(Int64(value)) }

    mutating func bind(_ value: Bool) throws { try bind(value ? 1 : 0) }

    /// Runs the statement with the values bound since the last run.
    mutating func run() throws {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            sqlite3_clear_bindings(statement.sqliteStatement)
            column = 0
        }
        let code = sqlite3_step(statement.sqliteStatement)
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
