import Foundation
import Testing
import TestSupport
@testable import SLAEngine
@testable import StateStore

/// A shared state of many rows is read whole at a takeover: the tables the tick keeps in
/// memory (ladder history, clock outcomes) take as long as their rows take to come, and
/// the store's patience runs between parts of the answer, not over all of it.
@Suite struct LargeStateLoadTests {
    @Test func aHistoryLongerToReadThanThePatienceIsReadWhole() async throws {
        let server = try PostgresServer.shared()
        let database = try server.createDatabase()
        await (try await Subject.postgres(database)).close()
        _ = try server.sql("""
            SET search_path = slawatch;
            INSERT INTO intent (id, clock_key, ticket_id, metric, cycle, step, kind, channel, late, status, created_at)
                SELECT 's:' || i || '/resolution/1/breach@leads', 's:' || i || '/resolution/1', 's:' || i, 'resolution', 1,
                    'breach', 'breach', 'leads', false, 'queued', 0 FROM generate_series(1, 80000) i;
            INSERT INTO clock_outcome (clock_key, ticket_id, metric, cycle, state, policy, calendar, target_seconds, started_at,
                    due_at, elapsed_seconds, paused_seconds, customer, priority, recorded_at)
                SELECT 's:' || i || '/resolution/1', 's:' || i, 'resolution', 1, 'breached', 'p', '24x7', 3600, 0, 3600, 7200, 0,
                    'acme', 'high', 0 FROM generate_series(1, 80000) i;
            """, database: database)
        // Short enough that the optimized build's read of 160,000 rows outlasts it twice over.
        let patience = Duration.milliseconds(80)
        let store = try await Subject.postgres(database, patience: patience)
        let started = ContinuousClock.now
        let history = try await store.ladderHistory()
        let outcomes = try await store.recordedOutcomes()
        let took = ContinuousClock.now - started
        await store.close()
        #expect(took > patience, "the reads took \(took): too short to tell the patience's scope")
        #expect(history.count == 80_000)
        #expect(history.records(for: "s:79999/resolution/1") == [LadderRecord(step: "breach", channel: "leads", kind: .breach)])
        #expect(outcomes.count == 80_000)
    }
}
