import Foundation
import GRDB
import Testing
@testable import StateStore

/// Rows written several to a statement: every row lands once, whatever the count, with the
/// conflict rules of the single-row statement, and awkward text comes back as it went in.
@Suite struct RowWriterTests {
    static func table() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (key TEXT PRIMARY KEY, n INTEGER, note TEXT, data BLOB)")
        }
        return queue
    }

    /// Counts below, at and past a statement's rows, and many statements' worth.
    @Test(arguments: [0, 1, 15, 16, 17, 33, 1000])
    func everyRowIsWrittenOnce(count: Int) throws {
        let queue = try RowWriterTests.table()
        try queue.write { db in
            var writer = try RowWriter(db, sql: "INSERT INTO t (key, n, note, data) VALUES (?, ?, ?, ?)", rowsPerStatement: 16)
            for index in 0..<count {
                writer.bind("k\(index)")
                writer.bind(Int64(index))
                writer.bind(index % 3 == 0 ? nil : "note \(index) ünï\t'\"")
                writer.bind(Data([UInt8(index % 256), 0, 255]))
                try writer.addRow()
            }
            try writer.finish()
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT key, n, note, data FROM t ORDER BY n") }
        #expect(rows.count == count)
        for (index, row) in rows.enumerated() {
            #expect(row["key"] as String == "k\(index)")
            #expect(row["n"] as Int64 == Int64(index))
            #expect(row["note"] as String? == (index % 3 == 0 ? nil : "note \(index) ünï\t'\""))
            #expect(row["data"] as Data == Data([UInt8(index % 256), 0, 255]))
        }
    }

    /// A key met twice, inside one statement's rows and across two: `OR IGNORE` keeps the
    /// first, an upsert the last, as row-by-row statements would.
    @Test func conflictsWithinAStatementFollowTheStatementsRule() throws {
        let queue = try RowWriterTests.table()
        try queue.write { db in
            var ignore = try RowWriter(db, sql: "INSERT OR IGNORE INTO t (key, n) VALUES (?, ?)", rowsPerStatement: 4)
            for (key, n) in [("a", 1), ("b", 2), ("a", 3), ("c", 4), ("b", 5), ("d", 6)] {
                ignore.bind(key)
                ignore.bind(Int64(n))
                try ignore.addRow()
            }
            try ignore.finish()
            var upsert = try RowWriter(db, sql: """
                INSERT INTO t (key, n) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET n = excluded.n
                """, rowsPerStatement: 4)
            for (key, n) in [("c", 40), ("c", 41), ("e", 7), ("d", 60), ("d", 61)] {
                upsert.bind(key)
                upsert.bind(Int64(n))
                try upsert.addRow()
            }
            try upsert.finish()
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT key, n FROM t ORDER BY key") }
        #expect(rows.map { "\($0["key"] as String)=\($0["n"] as Int64)" } == ["a=1", "b=2", "c=41", "d=61", "e=7"])
    }

    /// A row that breaks a constraint fails the write and names the statement.
    @Test func aFailingRowFailsTheWrite() throws {
        let queue = try RowWriterTests.table()
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                var writer = try RowWriter(db, sql: "INSERT INTO t (key, n) VALUES (?, ?)", rowsPerStatement: 2)
                for key in ["a", "a"] {
                    writer.bind(key)
                    writer.bind(Int64(1))
                    try writer.addRow()
                }
                try writer.finish()
            }
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 0)
    }
}
