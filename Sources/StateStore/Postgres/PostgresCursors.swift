public import Foundation
import PostgresNIO
import Synchronization

/// The sources' cursors of a PostgreSQL state: read into memory when the store opens and
/// each time this daemon takes the lead, answered from memory, and saved behind the poll
/// in the order they were given.
///
/// A source asks for its cursor and saves it synchronously, in the middle of its poll; a
/// save that a crash loses only makes the next leader read a little again from the older
/// cursor, which the sources take in their stride (they resume from a cursor, and
/// re-reading tickets changes nothing).
final class PostgresCursors: Sendable {
    private let values = Mutex<[String: String]>([:])
    private let pending: AsyncStream<(source: String, cursor: String, at: Int64)>
    private let continuation: AsyncStream<(source: String, cursor: String, at: Int64)>.Continuation
    private let writer = Mutex<Task<Void, Never>?>(nil)

    init() {
        (pending, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Reads every cursor from the database, replacing what memory holds.
    func load(from store: PostgresStateStore) async throws(StateStoreError) {
        let loaded = try await store.read { connection, logger in
            var loaded: [String: String] = [:]
            let rows = try await connection.query("SELECT source, cursor FROM source_cursor", logger: logger)
            for try await (source, cursor) in rows.decode((String, String).self) { loaded[source] = cursor }
            return loaded
        }
        values.withLock { $0 = loaded }
    }

    /// Starts the writer: saves one after the other, each while this daemon leads; one
    /// that fails is logged and left (the next save of that source replaces it).
    func start(writingTo store: PostgresStateStore) {
        let pending = pending
        writer.withLock {
            $0 = Task { [weak store] in
                for await (source, cursor, at) in pending {
                    guard let store else { return }
                    // Untyped: see `StateStoreError.caught`.
                    do {
                        try await store.write { connection, logger in
                            try await connection.query("""
                                INSERT INTO source_cursor (source, cursor, updated_at) VALUES (\(source), \(cursor), \(at))
                                ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                                """, logger: logger)
                        }
                    } catch {
                        store.logger.warning(
                            "cannot save a source's cursor", metadata: ["source": "\(source)", "error": "\(StateStoreError.caught(error))"])
                    }
                }
            }
        }
    }

    func stop() {
        continuation.finish()
        writer.withLock { $0?.cancel() }
    }

    func cursor(source: String) -> String? {
        values.withLock { $0[source] }
    }

    func save(_ cursor: String, source: String, at: Date) {
        values.withLock { $0[source] = cursor }
        continuation.yield((source, cursor, Int64(at.timeIntervalSince1970)))
    }
}

extension PostgresStateStore {
    /// The cursor a source saved to resume from, if any.
    public func cursor(source: String) throws(StateStoreError) -> String? {
        cursors.cursor(source: source)
    }

    /// Saves where a source should resume after a restart or a takeover.
    public func saveCursor(_ cursor: String, source: String, at: Date) throws(StateStoreError) {
        cursors.save(cursor, source: source, at: at)
    }

    /// Waits until every cursor given so far is written (tests, `state copy`).
    public func flushCursors() async throws(StateStoreError) {
        let snapshot = cursors.cursorsSnapshot()
        for _ in 0..<200 {
            let stored = try await read { connection, logger in
                var stored: [String: String] = [:]
                let rows = try await connection.query("SELECT source, cursor FROM source_cursor", logger: logger)
                for try await (source, cursor) in rows.decode((String, String).self) { stored[source] = cursor }
                return stored
            }
            if snapshot.allSatisfy({ stored[$0.key] == $0.value }) { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

extension PostgresCursors {
    func cursorsSnapshot() -> [String: String] { values.withLock { $0 } }
}
