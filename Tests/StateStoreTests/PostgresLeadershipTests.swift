import Foundation
import Logging
import Testing
import TestSupport
@testable import SLAEngine
@testable import StateStore

/// What only a shared PostgreSQL state has: its schema made by whichever daemon comes
/// first, one leader at a time, and writes fenced by the leader's epoch.
@Suite(.serialized) struct PostgresLeadershipTests {
    func message(_ key: String) -> OutboundMessage {
        OutboundMessage(key: key, channel: "leads", subject: "s", text: "t", createdAt: at("2026-11-20T13:00:00Z"))
    }

    @Test func daemonsStartingAtOnceMigrateAnEmptyDatabaseOnce() async throws {
        let database = try PostgresServer.shared().createDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStateStore.self) { group in
            for n in 0..<4 { group.addTask { try await Subject.postgres(database, instance: "slawatch-m\(n)") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await stores[0].appliedMigrations() == PostgresStateStore.migrations.map(\.identifier))
        #expect(try await stores[0].appliedMigrations().prefix(5) == ["v1", "v2", "v3", "v4", "v5-clock-outcomes"])
        #expect(try PostgresServer.shared().sql("SELECT epoch FROM slawatch.leader", database: database) == "0")
        for store in stores { await store.close() }
    }

    /// A standby that could not reach the state answered `/readyz` 200 "ready: standby"
    /// while it could never take over; the leadership now says since when it cannot.
    @Test func aRoundThatCannotReachTheStateSaysSoUntilOneCan() async throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        let store = try await Subject.postgres(database)
        let leadership = PostgresLeadership(store: store, lease: 10, logger: Logger(label: "test"))
        #expect(await leadership.round(progressing: true).isLeader)
        #expect(leadership.unreachable == nil)
        // No session may start, and the leader's is ended: the next round cannot reconnect.
        _ = try server.sql("""
            ALTER DATABASE \(database) ALLOW_CONNECTIONS false;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)';
            """, database: "postgres")
        let cut = await leadership.round(progressing: true)
        #expect(!cut.isLeader)
        let down = try #require(leadership.unreachable)
        #expect(down.reason.contains("postgres") || down.reason.contains("PostgreSQL"), "\(down.reason)")
        _ = try server.sql("ALTER DATABASE \(database) ALLOW_CONNECTIONS true", database: "postgres")
        _ = await leadership.round(progressing: true)
        #expect(leadership.unreachable == nil)
        await leadership.resign()
        await store.close()
    }

    @Test func aNewerSchemaIsAnErrorNotAReset() async throws {
        let database = try PostgresServer.shared().createDatabase()
        await try Subject.postgres(database).close()
        try PostgresServer.shared().sql("INSERT INTO slawatch.schema_migrations (identifier) VALUES ('v99')", database: database)
        let error = await #expect(throws: StateStoreError.self) { try await Subject.postgres(database) }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("v99") == true)
    }

    @Test func anUnreachableServerIsNamedWithoutThePassword() async throws {
        let endpoint = PostgresEndpoint(
            place: .tcp(host: "127.0.0.1", port: 1), user: "slawatch", password: "hunter2-secret", database: "x",
            tls: .disable, label: "postgresql://slawatch@127.0.0.1:1/x")
        let error = await #expect(throws: StateStoreError.self) {
            try await PostgresStateStore(endpoint: endpoint, instance: "slawatch-test", logger: Logger(label: "test"))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.hasPrefix("postgresql://slawatch@127.0.0.1:1/x: cannot reach PostgreSQL") == true)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func aWrongPasswordIsALoginRefusal() async throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        let endpoint = PostgresEndpoint(
            place: .tcp(host: "127.0.0.1", port: server.port), user: PostgresServer.user, password: "not-the-password",
            database: database, tls: .disable, label: server.tcpURL(database))
        let error = await #expect(throws: StateStoreError.self) {
            try await PostgresStateStore(endpoint: endpoint, instance: "slawatch-test", logger: Logger(label: "test"))
        }
        #expect(error?.message.contains("refused the login") == true)
        #expect(error?.message.contains("not-the-password") == false)
        // The right one, over TCP, works.
        var right = endpoint
        right.password = PostgresServer.password
        await try PostgresStateStore(endpoint: right, instance: "slawatch-test", logger: Logger(label: "test")).close()
    }

    @Test func oneLeadsTheOtherStandsByAndTakesOverWhenItResigns() async throws {
        let database = try PostgresServer.shared().createDatabase()
        let (a, b) = (try await Subject.postgres(database, fenced: true, instance: "slawatch-a"),
                      try await Subject.postgres(database, fenced: true, instance: "slawatch-b"))
        let (leaseA, leaseB) = (PostgresLeadership(store: a, lease: 3, logger: Logger(label: "a")),
                                PostgresLeadership(store: b, lease: 3, logger: Logger(label: "b")))
        #expect(await leaseA.round(progressing: true) == .leader(epoch: 1))
        #expect(await leaseB.round(progressing: true) == .standby(holder: "slawatch-a"))
        #expect(await leaseA.round(progressing: true) == .leader(epoch: 1))
        // A standby writes nothing and claims nothing.
        let refused = await #expect(throws: StateStoreError.self) { try await b.commit(TickCommit(at: Date(), messages: [message("m")])) }
        #expect(refused?.code == .fenced)
        try await a.commit(TickCommit(at: Date(), messages: [message("m")]))
        await #expect(throws: StateStoreError.self) { try await b.claim(["m"]) }
        #expect(try await a.claim(["m"]) == ["m"])

        await leaseA.resign()
        #expect(await leaseB.round(progressing: true) == .leader(epoch: 2))
        #expect(await leaseA.round(progressing: true) == .standby(holder: "slawatch-b"))
        await leaseA.resign()
        #expect(try await b.claim(["m"]) == ["m"])
        #expect(try PostgresServer.shared().sql("SELECT claimed_epoch FROM slawatch.outbox", database: database) == "2")
        await leaseB.resign()
        await a.close()
        await b.close()
    }

    @Test func aStandbyEndsAStalledLeadersSessionsAndItsWritesAreFenced() async throws {
        let database = try PostgresServer.shared().createDatabase()
        let (a, b) = (try await Subject.postgres(database, fenced: true, instance: "slawatch-a"),
                      try await Subject.postgres(database, fenced: true, instance: "slawatch-b"))
        let (leaseA, leaseB) = (PostgresLeadership(store: a, lease: 3, logger: Logger(label: "a")),
                                PostgresLeadership(store: b, lease: 3, logger: Logger(label: "b")))
        #expect(await leaseA.round(progressing: true) == .leader(epoch: 1))
        try await a.commit(TickCommit(at: Date(), messages: [message("m")]))
        // The leader's loops stall (it renews nothing), its sessions stay open: within the
        // lease the standby waits, after it the standby ends them and takes over.
        #expect(await leaseB.round(progressing: true) == .standby(holder: "slawatch-a"))
        let stalled = ContinuousClock.now
        var role = PostgresLeadership.Role.standby(holder: nil)
        while !role.isLeader, ContinuousClock.now - stalled < .seconds(6) {
            try await Task.sleep(for: .milliseconds(250))
            role = await leaseB.round(progressing: true)
        }
        #expect(role == .leader(epoch: 2))
        let waited = ContinuousClock.now - stalled
        #expect(waited > .seconds(2.5) && waited < .seconds(4.5), "took over after \(waited)")
        // The deposed leader still believes it leads, but every write it tries is refused.
        #expect(a.leadingEpoch == 1)
        let claim = await #expect(throws: StateStoreError.self) { try await a.claim(["m"]) }
        #expect(claim?.code == .fenced || claim?.code == .unavailable)
        await #expect(throws: StateStoreError.self) {
            try await a.record([AttemptRecord(key: "m", at: Date(), result: .delivered(detail: nil))], outages: [:])
        }
        #expect(try await b.pendingMessages().map(\.message.key) == ["m"])
        // Its next round finds its session gone: it stands by.
        #expect(await leaseA.round(progressing: true).isLeader == false)
        #expect(a.leadingEpoch == nil)
        await leaseA.resign()
        await leaseB.resign()
        await a.close()
        await b.close()
    }
}
