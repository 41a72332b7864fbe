import PostgresNIO

/// Rows in the text format of `COPY … FROM STDIN`, for writing many rows in one stream:
/// a tab between columns, a newline after each row, `\N` for null, and in every value a
/// backslash, tab, newline or carriage return written as its backslash escape, so no
/// value can end a column, a row or the data. Text is UTF-8, as the connection's.
struct CopyRows: Sendable {
    /// The column names, in the order each row gives its values.
    let columns: [String]
    private(set) var buffer: ByteBuffer
    private(set) var count = 0
    private(set) var column = 0

    init(columns: [String], capacity: Int = 0) {
        self.columns = columns
        buffer = ByteBufferAllocator().buffer(capacity: capacity * columns.count * 16)
    }

    /// A text value, or null.
    mutating func text(_ value: String?) {
        separate()
        guard var utf8 = value else { return null() }
        utf8.withUTF8 { bytes in
            // Most values need no escape: copy them whole.
            guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    /// A whole number, or null.
    mutating func number(_ value: Int64?) {
        separate()
        guard let value else { return null() }
        buffer.writeString(String(value))
    }

    mutating func bool(_ value: Bool) {
        separate()
        buffer.writeStaticString(value ? "t" : "f")
    }

    /// Bytes, written as a `bytea` in hex (`\x…`, its backslash escaped).
    mutating func bytes(_ value: some Collection<UInt8>) {
        separate()
        buffer.writeStaticString("\\\\x")
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { digits in
            for byte in value {
                buffer.writeInteger(digits[Int(byte >> 4)])
                buffer.writeInteger(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// Ends the row; every column must have had its value.
    mutating func endRow() {
        precondition(column == columns.count, "a COPY row has \(column) values for \(columns.count) columns")
        buffer.writeInteger(UInt8(ascii: "\n"))
        column = 0
        count += 1
    }

    private mutating func separate() {
        precondition(column < columns.count, "a COPY row has more values than its \(columns.count) columns")
        if column > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        column += 1
    }

    private mutating func null() {
        buffer.writeStaticString("\\N")
    }
}

extension PostgresConnection {
    /// Streams `rows` into `table` with `COPY … FROM STDIN`, in pieces of about a megabyte
    /// so the server parses one while the next is on its way.
    func copy(_ rows: CopyRows, into table: String, logger: Logger) async throws {
        guard rows.count > 0 else { return }
        precondition(rows.column == 0, "a COPY row was not ended")
        try await copyFrom(table: table, columns: rows.columns, logger: logger) { writer in
            var remaining = rows.buffer
            let piece = 1 << 20
            while remaining.readableBytes > 0 {
                try await writer.write(remaining.readSlice(length: Swift.min(piece, remaining.readableBytes))!)
            }
        }
    }
}

extension PostgresConnection {
    /// Below this many rows a write is one `INSERT … SELECT FROM unnest(…)`: a COPY costs
    /// two more round trips (its savepoint), which only many rows repay.
    static let copyFrom = 512

    /// Inserts `count` rows that should be new: many with `COPY` (no conflict check per row),
    /// under a savepoint so that if one exists after all (a unique violation) they are
    /// written again with `statement`, which settles conflicts; few with `statement` alone.
    /// Call it inside a transaction.
    func insert(
        _ count: Int, into table: String, copying rows: () -> CopyRows, otherwise statement: () -> PostgresQuery, logger: Logger
    ) async throws {
        guard count > 0 else { return }
        guard count >= PostgresConnection.copyFrom else {
            try await query(statement(), logger: logger)
            return
        }
        try await query("SAVEPOINT bulk", logger: logger)
        do {
            try await copy(rows(), into: table, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            try await query("ROLLBACK TO SAVEPOINT bulk", logger: logger)
            try await query(statement(), logger: logger)
        }
        try await query("RELEASE SAVEPOINT bulk", logger: logger)
    }
}
