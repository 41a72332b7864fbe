import Foundation
import GRDB
import Logging
import Testing
import TestSupport
@testable import SLAEngine
@testable import StateStore

/// What the store tests need of a state, whichever database holds it.
protocol StateUnderTest: NotificationLog, OutboxStore, HoldLog, SilenceLog, RecordedClockLog, ClockOutcomeLog {
    func cursor(source: String) throws(StateStoreError) -> String?
    func saveCursor(_ cursor: String, source: String, at: Date) throws(StateStoreError)
}

extension StateStore: StateUnderTest {}
extension PostgresStateStore: StateUnderTest {}

/// The databases a state can live in; the store tests run on each.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty state.
    func make() async throws -> Subject {
        switch self {
        case .sqlite:
            return Subject(backend: self, place: temporaryDatabase())
        case .postgres:
            return Subject(backend: self, place: try PostgresServer.shared().createDatabase())
        }
    }
}

/// One state under test: `open` gives a store on it (a new one each call, reading what is
/// on record), `strings` runs SQL against it directly.
struct Subject: Sendable {
    let backend: Backend
    /// The SQLite file, or the PostgreSQL database's name.
    let place: String

    func open() async throws -> any StateUnderTest {
        switch backend {
        case .sqlite: return try StateStore(path: place)
        case .postgres: return try await Subject.postgres(place)
        }
    }

    /// A PostgreSQL store on `database` over the shared server's socket; `fenced` as a daemon's,
    /// each operation given `patience`.
    static func postgres(
        _ database: String, fenced: Bool = false, instance: String = "slawatch-test", migratedTo last: String? = nil,
        patience: Duration = .seconds(10)
    ) async throws -> PostgresStateStore {
        let server = try PostgresServer.shared()
        let endpoint = PostgresEndpoint(
            place: .socket(path: server.socketDirectory + "/.s.PGSQL.\(server.port)"), user: PostgresServer.user, password: nil,
            database: database, label: server.socketURL(database))
        return try await PostgresStateStore(
            endpoint: endpoint, instance: instance, fenced: fenced, migratingTo: last, patience: patience, logger: Logger(label: "test"))
    }

    /// The first column of each row `sql` returns, as text.
    func strings(_ sql: String) async throws -> [String] {
        switch backend {
        case .sqlite:
            return try await DatabasePool(path: place).read { try String.fetchAll($0, sql: sql) }
        case .postgres:
            let printed = try PostgresServer.shared().sql("SET search_path = slawatch; " + sql, database: place)
            return printed.isEmpty ? [] : printed.components(separatedBy: "\n")
        }
    }
}
