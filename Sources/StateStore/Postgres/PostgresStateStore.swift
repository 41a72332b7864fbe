public import Foundation
public import Logging
import PostgresNIO
import Synchronization
import Transport

/// The whole state in PostgreSQL, for any number of daemons sharing it: the same tables,
/// protocols and transaction boundaries as the SQLite `StateStore`, in the `slawatch`
/// schema, which the store creates and migrates itself (serialised by an advisory lock,
/// so daemons may start on an empty database at once).
///
/// One daemon leads at a time (`PostgresLeadership`); it hands its epoch to the store, and
/// every write made on the leader's behalf (a tick's commit, an outbox claim, a delivery
/// mark) checks that epoch against the database in the same transaction: a leader that
/// was paused or lost its session writes nothing once another has taken over.
public final class PostgresStateStore: Sendable {
    /// The schema that holds every table.
    public static let schema = "slawatch"
    /// Advisory lock keys, `(class, object)`: the migration's and the leader's.
    static let lockClass: Int32 = 0x534C_4157
    static let migrationLock: Int32 = 1
    static let leaderLock: Int32 = 2

    public let endpoint: PostgresEndpoint
    /// This daemon's `application_name`: every session it opens carries it.
    public let instance: String
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    /// False for a store one process owns for a while (`state copy`, tests): its writes
    /// are not checked against the leader's epoch.
    let fenced: Bool
    /// The epoch this daemon leads under; nil while it stands by.
    let epoch = Mutex<Int64?>(nil)
    /// What the tables hold that every tick reads, as the SQLite store keeps it.
    let cache = Mutex<StateStore.Cache>(StateStore.Cache())
    /// The source cursors, read at open and on each takeover; saved behind the poll.
    let cursors: PostgresCursors
    /// How long one store operation may wait for a connection and its answer: the pool
    /// keeps trying to connect while the server is away, and the caller hears of it then.
    let patience: Duration

    /// Connects, then creates or migrates the schema. A database written by a newer
    /// slawatch is an error, never a silent reset.
    ///
    /// `migratingTo` stops at that migration (tests of a state an earlier slawatch left).
    public init(
        endpoint: PostgresEndpoint, instance: String, fenced: Bool = true, migratingTo last: String? = nil,
        patience: Duration = .seconds(10), logger: Logger
    ) async throws(StateStoreError) {
        self.endpoint = endpoint
        self.patience = patience
        self.instance = instance
        self.fenced = fenced
        self.logger = logger
        let client = PostgresClient(configuration: endpoint.clientConfiguration(applicationName: instance), backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        cursors = PostgresCursors()
        do {
            try await migrate(upTo: last)
            try await cursors.load(from: self)
        } catch {
            runner.cancel()
            throw error
        }
        cursors.start(writingTo: self)
    }

    /// Closes every connection.
    public func close() async {
        cursors.stop()
        runner.cancel()
        _ = await runner.value
    }

    /// This daemon leads under `epoch` from now on (nil: it stands by). A new epoch drops
    /// what the store kept in memory: another daemon wrote meanwhile.
    public func lead(epoch new: Int64?) async throws(StateStoreError) {
        let old = epoch.withLock { epoch in
            defer { epoch = new }
            return epoch
        }
        guard new != old, new != nil else { return }
        cache.withLock { $0 = StateStore.Cache() }
        try await cursors.load(from: self)
    }

    /// The epoch this daemon leads under, if it does.
    public var leadingEpoch: Int64? { epoch.withLock { $0 } }

    // MARK: Transactions

    /// Runs `body` within `patience` (of its last mark of `progress`, with one), mapping errors.
    func patiently<T: Sendable>(
        progress: DeadlineProgress? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws(StateStoreError) -> T {
        let (endpoint, patience) = (endpoint, patience)
        do {
            return try await withDeadline(patience, progress: progress, onTimeout: {
                StateStoreError(.unavailable, "\(endpoint): PostgreSQL did not answer within "
                    + "\(TransportError.seconds(patience.seconds)) s; "
                    + "check that the server runs and is reachable")
            }, body)
        } catch {
            throw PostgresStateStore.describe(error, endpoint: endpoint)
        }
    }

    /// Runs `body` in a transaction; `fencing` first checks, under a share lock on the
    /// leader row, that this daemon's epoch is still the current one. A body that is one
    /// statement returns its rows, which a caller may leave unread.
    @discardableResult
    func write<T: Sendable>(
        fencing: Bool = true, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws(StateStoreError) -> T {
        let mine: Int64?
        if fencing && fenced {
            guard let current = epoch.withLock({ $0 }) else { throw PostgresStateStore.deposed(endpoint) }
            mine = current
        } else {
            mine = nil
        }
        let (logger, endpoint, client) = (logger, endpoint, client)
        return try await patiently {
            try await client.withTransaction(logger: logger) { connection in
                try await PostgresStateStore.transaction(on: connection, fence: mine, endpoint: endpoint, logger: logger, body)
            }
        }
    }

    /// The body of a transaction on `connection`, after checking `fence` when there is one.
    static func transaction<T>(
        on connection: PostgresConnection, fence: Int64?, endpoint: PostgresEndpoint, logger: Logger,
        _ body: (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        if let fence {
            let rows = try await connection.query("SELECT epoch FROM leader WHERE id = 1 FOR SHARE", logger: logger)
            var current: Int64?
            for try await epoch in rows.decode(Int64.self) { current = epoch }
            guard current == fence else { throw PostgresStateStore.deposed(endpoint) }
        }
        return try await body(connection, logger)
    }

    /// Runs `body` on a pooled connection, outside a transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws(StateStoreError) -> T {
        // Never marked, the progress leaves the patience running from the start.
        try await readAtLength { connection, logger, _ in try await body(connection, logger) }
    }

    /// `read` for an answer of many rows (a whole table the tick keeps in memory): `body`
    /// marks its progress as rows come, and the patience runs from the last mark, so a state
    /// of millions of rows is read, and a server that stops answering is still an error in time.
    func readAtLength<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger, DeadlineProgress) async throws -> T
    ) async throws(StateStoreError) -> T {
        let (logger, client) = (logger, client)
        let progress = DeadlineProgress()
        return try await patiently(progress: progress) {
            try await client.withConnection { connection in try await body(connection, logger, progress) }
        }
    }

    /// Rows read between two marks of progress.
    static let rowsPerMark = 1024

    static func deposed(_ endpoint: PostgresEndpoint) -> StateStoreError {
        StateStoreError(.fenced, "\(endpoint): another slawatch daemon leads this state now; this one writes nothing and stands by")
    }

    /// Turns a PostgreSQL error into one that says what to do; never a password.
    static func describe(_ error: any Error, endpoint: PostgresEndpoint) -> StateStoreError {
        if let error = error as? StateStoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner, endpoint: endpoint) }
        }
        guard let error = error as? PSQLError else {
            if error is CancellationError { return StateStoreError(.unavailable, "\(endpoint): cancelled") }
            return StateStoreError(.failed, "\(endpoint): \(error)")
        }
        let message = error.serverInfo?[.message] ?? ""
        let state = error.serverInfo?[.sqlState] ?? ""
        switch error.code {
        case .server where state.hasPrefix("28"):
            return StateStoreError(.unavailable, "\(endpoint): PostgreSQL refused the login (\(message)); check the user, "
                + "state_password_file and pg_hba.conf")
        case .server where state == "3D000":
            return StateStoreError(.unavailable, "\(endpoint): \(message); create the database (createdb) or fix its name in `state`")
        case .server where state == "42501":
            return StateStoreError(.unavailable, "\(endpoint): \(message); grant the daemon's user CREATE on the database "
                + "(it creates the \(schema) schema) or make it the schema's owner")
        case .server where state.hasPrefix("57") || state.hasPrefix("08"):
            return StateStoreError(.unavailable, "\(endpoint): the session ended (\(message)); slawatch reconnects")
        case .server:
            return StateStoreError(.failed, "\(endpoint): \(message) (SQLSTATE \(state))")
        case .sslUnsupported:
            return StateStoreError(.unavailable, "\(endpoint): the server does not offer TLS; set sslmode=disable or prefer, "
                + "or enable ssl on the server")
        default:
            let underlying = error.underlying.map { " (\($0))" } ?? ""
            return StateStoreError(.unavailable, "\(endpoint): cannot reach PostgreSQL\(underlying); check that the server "
                + "runs and the URL's host and port (or host=/socket/directory)")
        }
    }
}

extension PostgresRowSequence {
    /// Every value of a one-column result.
    func all<T: PostgresDecodable>(_ type: T.Type) async throws -> [T] {
        var values: [T] = []
        for try await value in decode(T.self) { values.append(value) }
        return values
    }
}
