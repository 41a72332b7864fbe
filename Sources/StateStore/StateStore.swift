import Foundation
import GRDB
import SLAEngine
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What slawatch remembers across ticks and restarts, in one SQLite file (WAL):
/// observed ticket transitions, ladder progress, the outbox of rendered messages, the
/// delivery log, breaches per customer and source cursors.
///
/// Every write a tick makes about intents happens in one transaction with the
/// outbox rows that carry them, so a crash at any point neither loses a notification
/// nor records one as sent that was not.
public final class StateStore: Sendable {
    public let path: String
    let pool: DatabasePool
    /// Held for the life of the store when opened `exclusive`: one daemon per database.
    private let lock: FileLock?
    /// What the tables hold that every tick reads, kept in memory after the first read and
    /// updated after each successful write, so a tick reads only what changed.
    let cache = Mutex<Cache>(Cache())

    /// In-memory copies of the snapshot, transition and intent tables; nil until first read.
    struct Cache {
        /// By source, then ticket id.
        var snapshots: [String: [String: Snapshot]]?
        /// By ticket id, in time order.
        var transitions: [String: [TicketEvent]]?
        /// By clock key.
        var ladder: LadderHistory?
        /// The breach table.
        var breaches: BreachLedger?
        /// What is on record of clock outcomes.
        var outcomes: RecordedOutcomes?

        /// The snapshots and transitions, taken out while a poll updates them so nothing is
        /// copied; a failed write leaves them out, and the next poll reads the tables again.
        mutating func takeTickets() -> (snapshots: [String: [String: Snapshot]]?, transitions: [String: [TicketEvent]]?) {
            defer { (snapshots, transitions) = (nil, nil) }
            return (snapshots, transitions)
        }

        /// The ladder history, taken out while a commit adds to it, as `takeTickets`.
        mutating func takeLadder() -> LadderHistory? {
            defer { ladder = nil }
            return ladder
        }

        /// The breach ledger, taken out while breaches are added, as `takeTickets`.
        mutating func takeBreaches() -> BreachLedger? {
            defer { breaches = nil }
            return breaches
        }

        /// Adds outcomes just written to what is on record, once that has been read.
        mutating func record(_ written: [ClockOutcome]) {
            guard outcomes != nil else { return }
            outcomes!.reserveCapacity(outcomes!.count + written.count)
            for outcome in written { outcomes!.record(outcome) }
        }
    }

    /// The values of a ticket the last poll saw; forty bytes, as there is one per open ticket.
    struct Snapshot: Equatable {
        var status: TicketStatus
        var priority: TicketPriority
        var assignee: String?
        var group: String?
    }

    /// Opens (creating when missing) and migrates the database at `path`.
    ///
    /// `exclusive` takes the daemon lock beside it (`PATH.lock`), so a second daemon on the
    /// same state fails fast instead of sending twice. A locked, corrupt or newer-schema
    /// database is an error, never a silent reset.
    public init(path: String, exclusive: Bool = false) throws(StateStoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StateStoreError(.unavailable, "\(path): cannot create the state directory \(directory): \(error.localizedDescription)")
            }
        }
        // The lock belongs to the file, not to the path written: a symlink or a `..` path to
        // the same database meets the same lock.
        lock = exclusive ? try FileLock(path: StateStore.resolved(path) + ".lock") : nil
        try StateStore.createPrivately(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(3)
        configuration.label = "slawatch-state"
        // The WAL is copied back into the database after each tick, off the tick's path
        // (`checkpointLater`, at the end of each tick), not by whichever commit happens to cross SQLite's threshold:
        // after a large first tick that copy takes a fifth of a second.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = StateStore.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                let known = Set(migrator.migrations)
                let applied = try pool.read { try migrator.appliedIdentifiers($0) }
                throw StateStoreError(.newerSchema, "\(path): the state database was written by a newer slawatch "
                    + "(schema \(applied.subtracting(known).sorted().joined(separator: ", ")) is unknown to this one); "
                    + "run the newer slawatch, or point `state:` at another file")
            }
            try migrator.migrate(pool)
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw StateStore.describe(error, path: path)
        }
    }

    /// Opens an existing database at `path` to read it, while the daemon may be writing
    /// to it: no lock is taken, nothing is created, migrated or written. A database of
    /// another schema than this slawatch's is refused, naming the versions.
    ///
    /// `stopped` reads it only while no daemon runs on it (`state copy`, which reads it in
    /// parts): a running daemon is refused, and its lock, when the file has one, is held
    /// until the store is dropped, so none starts meanwhile.
    public init(readingOnly path: String, stopped: Bool = false) throws(StateStoreError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StateStoreError(.unavailable, "\(path): there is no state database; "
                + (stopped ? "check the path" : "start the daemon (slawatch run) so it records clock outcomes, or give --tickets"))
        }
        lock = stopped ? try FileLock(ifPresent: StateStore.resolved(path) + ".lock") : nil
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(3)
        configuration.label = "slawatch-state-reader"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = StateStore.migrator
            let known = migrator.migrations
            let applied = try pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty {
                throw StateStoreError(.newerSchema, "\(path): the state database was written by a newer slawatch "
                    + "(schema \(unknown.sorted().joined(separator: ", ")) is unknown to this one); run the newer slawatch's report")
            }
            let missing = known.filter { !applied.contains($0) }
            if !missing.isEmpty {
                throw StateStoreError(.olderSchema, "\(path): the state database was written by an older slawatch "
                    + "(it lacks schema \(missing.joined(separator: ", "))); run this version's daemon once to migrate it, "
                    + "or the older slawatch's report")
            }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw StateStore.describe(error, path: path)
        }
    }

    /// `path` with every symlink and `..` resolved: the file's own path when it exists,
    /// else its resolved directory's with the file name.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let directory = (path as NSString).deletingLastPathComponent
        guard let real = realpath(directory.isEmpty ? "." : directory, nil) else { return path }
        defer { free(real) }
        return String(cString: real) + "/" + (path as NSString).lastPathComponent
    }

    /// Creates a missing database file readable and writable by its owner alone (SQLite
    /// gives its WAL and shared-memory files the same mode): it holds ticket subjects,
    /// customer addresses and message texts.
    static func createPrivately(_ path: String) throws(StateStoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
        } else if errno != EEXIST {
            throw StateStoreError(.unavailable, "\(path): cannot create the state database (\(String(cString: strerror(errno)))); "
                + "check the directory's permissions")
        }
    }

    /// Turns a database error into one that says what to do.
    static func describe(_ error: any Error, path: String) -> StateStoreError {
        guard let error = error as? DatabaseError else {
            return StateStoreError(.failed, "\(path): \(error)")
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StateStoreError(.locked, "\(path): the state database is locked by another process; "
                + "stop the other slawatch (or whatever holds it) and try again")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StateStoreError(.corrupt, "\(path): the state database is not a SQLite database or is damaged; "
                + "move it aside (slawatch will start a new one and re-send what is still due) or restore a backup")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR:
            return StateStoreError(.unavailable, "\(path): cannot open or write the state database (\(error.message ?? "\(error.resultCode)")); "
                + "check the path and its permissions")
        default:
            return StateStoreError(.failed, "\(path): \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// Copies the WAL back into the database on the writer's queue, after the caller goes
    /// on; the next write waits for it. Readers keep what they read meanwhile. The daemon
    /// calls this once a tick is done.
    public func checkpointLater() {
        pool.asyncWriteWithoutTransaction { db in
            _ = try? db.checkpoint(.passive)
        }
    }

    /// Runs a write transaction, mapping errors.
    func write<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        try describingErrors { try pool.write(body) }
    }

    /// Runs a read, mapping errors.
    func read<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        try describingErrors { try pool.read(body) }
    }

    /// Runs reads whose statements each stand alone, so they need no one snapshot, without
    /// the transaction `read` wraps them in (its begin, its end and its read-only switch
    /// were a sixth of a claim's time while a backlog drained); mapping errors.
    func readStatementByStatement<T>(_ body: (Database) throws -> T) throws(StateStoreError) -> T {
        try describingErrors { try pool.unsafeRead(body) }
    }

    /// `access`, with a database error turned into one that says what to do.
    private func describingErrors<T>(_ access: () throws -> T) throws(StateStoreError) -> T {
        do {
            return try access()
        } catch {
            throw StateStore.describe(error, path: path)
        }
    }
}
