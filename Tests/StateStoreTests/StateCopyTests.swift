import Foundation
import GRDB
import Logging
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
        let endpoint = PostgresEndpoint(
            place: .socket(path: server.socketDirectory + "/.s.PGSQL.\(server.port)"), user: PostgresServer.user, password: nil,
            database: database, label: server.socketURL(database))
        let patience = Duration.milliseconds(500)
        let target = try await PostgresStateStore(
            endpoint: endpoint, instance: "slawatch-copy-test", fenced: false, patience: patience, logger: Logger(label: "test"))
        let started = ContinuousClock.now
        let told = Mutex<[String]>([])
        let counts = try await target.copy(from: source) { table, rows in told.withLock { $0.append("\(table): \(rows)") } }
        let took = ContinuousClock.now - started
        await target.close()
        #expect(took > patience * 2, "the copy took \(took): too short to tell the patience's scope")
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
}
