import Foundation
import GRDB
import Synchronization
import Testing
import TestSupport
@testable import StateStore

/// `state copy` of a state larger than a batch: every row once, in its order, however long
/// the whole takes.
@Suite struct StateCopyTests {
    /// A stopped SQLite state with 100,000 transitions (twenty batches) and 12,000 surge
    /// samples under a key of three columns, two dimensions that cross batches.
    static func largeState() async throws -> String {
        try await temporaryDatabase(at: StateStore.migrator.migrations.last!, with: """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
            INSERT INTO transition (ticket_id, at, kind, value) SELECT 's:' || (i % 997), i, 'status', 'open' FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
            INSERT INTO surge_sample (dimension, hour, value, open) SELECT CASE WHEN i % 2 = 0 THEN 'group' ELSE 'tier' END,
                i / 2, 'x', i FROM n;
            """)
    }

    /// Each statement is held to the store's patience, not the whole copy: with a patience
    /// far shorter than the copy takes, it still completes (it failed when the whole copy
    /// was one operation within the patience).
    @Test func aCopyLongerThanThePatienceCompletesWithEveryRowOnceInOrder() async throws {
        let source = try StateStore(readingOnly: try await StateCopyTests.largeState())
        let database = try PostgresServer.shared().createDatabase()
        let server = try PostgresServer.shared()
        // Well under what the optimized build's copy takes (about 0.4 s), several times what
        // one statement takes.
        let patience = Duration.milliseconds(150)
        let target = try await Subject.postgres(database, patience: patience)
        let started = ContinuousClock.now
        let told = Mutex<[String]>([])
        let counts = try await target.copy(from: source) { table, rows in told.withLock { $0.append("\(table): \(rows)") } }
        let took = ContinuousClock.now - started
        await target.close()
        #expect(took > patience, "the copy took \(took): too short to tell the patience's scope")
        #expect(counts.first { $0.table == "transition" }?.rows == 100_000)
        #expect(counts.first { $0.table == "surge_sample" }?.rows == 12_000)
        #expect(told.withLock { $0 } == counts.map { "\($0.table): \($0.rows)" })
        let sql = { (text: String) in try server.sql("SET search_path = slawatch; " + text, database: database) }
        #expect(try sql("SELECT COUNT(DISTINCT at), MIN(at), MAX(at) FROM transition") == "100000|1|100000")
        // Serial ids follow the file's order across every batch.
        #expect(try sql("SELECT COUNT(*) FROM (SELECT at, lag(at) OVER (ORDER BY id) AS before FROM transition) t WHERE before >= at") == "0")
        #expect(try sql("SELECT dimension, COUNT(DISTINCT hour), SUM(open) FROM surge_sample GROUP BY dimension ORDER BY dimension")
                == "group|6000|36006000\ntier|6000|36000000")
    }

    /// `state copy` reads a file only while no daemon runs on it, and holds the daemon lock
    /// meanwhile; reports read it while the daemon runs.
    @Test func aFileIsReadStoppedOnlyWhileNoDaemonRunsOnIt() throws {
        let path = temporaryDatabase()
        var daemon: StateStore? = try StateStore(path: path, exclusive: true)
        _ = daemon
        let refused = #expect(throws: StateStoreError.self) { try StateStore(readingOnly: path, stopped: true) }
        #expect(refused?.code == .locked)
        #expect(refused?.description.contains("a slawatch daemon is running on this state database") == true)
        _ = try StateStore(readingOnly: path)
        daemon = nil
        let copying: StateStore? = try StateStore(readingOnly: path, stopped: true)
        _ = copying
        #expect(throws: StateStoreError.self) { try StateStore(path: path, exclusive: true) }
    }

    /// A file no daemon ever ran on (no lock file), or a read-only copy, is read without one.
    @Test func aFileWithoutALockFileIsRead() throws {
        let path = temporaryDatabase()
        _ = try StateStore(path: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
        _ = try StateStore(readingOnly: path, stopped: true)
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
    }

    /// Every kind of value arrives as the file holds it: text with a tab, a newline, a
    /// backslash and `\N`; null; SQLite's 0 and 1 as booleans; a blob's bytes, non-ASCII included.
    @Test func valuesArriveAsTheFileHoldsThem() async throws {
        let tricky = "tab\there\nline \\ back \\N é"
        let path = try await temporaryDatabase(at: StateStore.migrator.migrations.last!, with: """
            INSERT INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, role, late, template, reason, status,
                                not_before, message_key, created_at)
            VALUES ('a', 'k', 't', 'resolution', 1, 'breach', 'breach', 'leads', NULL, 1, NULL, '\(tricky)', 'queued', NULL, 'm', 5),
                   ('b', 'k', 't', 'resolution', 1, '75%', 'warning', NULL, 'lead', 0, 'warning', NULL, 'skipped', 9, NULL, 5);
            INSERT INTO outbox (key, channel, message, status, attempts, next_attempt_at, created_at)
            VALUES ('m', 'leads', CAST('{"text":"\(tricky)"}' AS BLOB), 'pending', 2, 7, 5);
            """)
        let database = try PostgresServer.shared().createDatabase()
        let target = try await Subject.postgres(database)
        _ = try await target.copy(from: try StateStore(readingOnly: path))
        await target.close()
        let server = try PostgresServer.shared()
        let sql = { (text: String) in try server.sql("SET search_path = slawatch; " + text, database: database) }
        let hex = { (text: String) in text.utf8.map { String(format: "%02x", $0) }.joined() }
        #expect(try sql("""
            SELECT id, late, channel IS NULL, role IS NULL, template IS NULL, coalesce(encode(convert_to(reason, 'UTF8'), 'hex'), 'null'),
                not_before IS NULL, message_key IS NULL FROM intent ORDER BY id
            """) == "a|t|f|t|t|\(hex(tricky))|t|f\nb|f|t|f|f|null|f|t")
        #expect(try sql("SELECT encode(message, 'hex'), attempts, next_attempt_at FROM outbox")
                == "\(hex("{\"text\":\"" + tricky + "\"}"))|2|7")
    }
}
