import Foundation
import Testing
@testable import SLAEngine
@testable import StateStore

/// What the listener reads and writes, on either database: holds recorded once (also by
/// two daemons at once), and the clocks a daemon that does not poll knows of.
@Suite struct ListenerStoreTests {
    static func request(_ by: String, at instant: String, for seconds: Double = 3600, metric: Metric = .firstResponse) -> HoldRequest {
        HoldRequest(
            source: "desk", ticketID: "T-1", metric: metric, cycle: 1,
            hold: ClockHold(kind: .ack, by: by, at: at(instant), until: at(instant) + seconds), via: "link")
    }

    @Test(arguments: Backend.allCases) func aHoldIsRecordedOnceAndTheLatestReadBack(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let dana = Self.request("dana", at: "2026-11-20T12:00:00Z")
        #expect(try await store.recordHold(dana) == .recorded(dana.hold))
        // Another person, while it stands: nothing changes.
        #expect(try await store.recordHold(Self.request("erin", at: "2026-11-20T12:30:00Z")) == .already(dana.hold))
        // Once it has ended, a new one is recorded and is the latest.
        let later = Self.request("erin", at: "2026-11-20T13:30:00Z", for: 600)
        #expect(try await store.recordHold(later) == .recorded(later.hold))
        let snooze = HoldRequest(
            source: "desk", ticketID: "T-1", metric: .resolution, cycle: 1,
            hold: ClockHold(kind: .snooze, by: "fay", at: at("2026-11-20T12:00:00Z"), until: at("2026-11-20T13:00:00Z")), via: "slack")
        #expect(try await store.recordHold(snooze) == .recorded(snooze.hold))
        let reopened = try await subject.open()
        let holds = try await reopened.holds(ticketID: "T-1")
        #expect(holds.map(\.clockKey) == ["desk:T-1/first_response/1", "desk:T-1/resolution/1", "desk:T-1/first_response/1"])
        #expect(holds.map(\.hold) == [dana.hold, snooze.hold, later.hold])
        #expect(holds.map(\.via) == ["link", "slack", "link"])
        #expect(try await reopened.clockHolds() == ["desk:T-1/first_response/1": later.hold, "desk:T-1/resolution/1": snooze.hold])
        #expect(try await reopened.holds(ticketID: "T-2").isEmpty)
    }

    @Test(arguments: Backend.allCases) func twoDaemonsTakingTheSameAnswerAtOnceRecordItOnce(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let stores = [try await subject.open(), try await subject.open()]
        for round in 0..<5 {
            let instant = "2026-11-2\(round)T12:00:00Z"
            let outcomes = try await withThrowingTaskGroup(of: HoldOutcome.self) { group in
                for (n, store) in (stores + stores).enumerated() {
                    group.addTask { try await store.recordHold(Self.request("p\(n)", at: instant)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .recorded = $0 { true } else { false } }.count == 1, "\(outcomes)")
        }
        #expect(try await subject.strings("SELECT count(*) FROM clock_hold") == ["5"])
    }

    @Test(arguments: Backend.allCases) func recordedClocksAreThoseBreachedOrPingedAndNotFulfilled(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        func outcome(_ id: String, _ metric: Metric, cycle: Int = 1, _ state: ClockState, fulfilled: String? = nil) -> ClockOutcome {
            ClockOutcome(
                source: "desk", ticketID: id, metric: metric, cycle: cycle, state: state, policy: "p", calendar: "24x7",
                targetSeconds: 3600, startedAt: at("2026-11-20T10:00:00Z"), dueAt: at("2026-11-20T11:00:00Z"),
                fulfilledAt: fulfilled.map(at), elapsedSeconds: 4000, pausedSeconds: 60, customer: "c", tier: "gold",
                group: "Billing", team: "billing", channel: "email", priority: .high)
        }
        let open = outcome("T-1", .resolution, .breached)
        try await store.recordOutcomes([
            open, outcome("T-1", .nextReply, cycle: 2, .missed, fulfilled: "2026-11-20T11:30:00Z"),
            outcome("T-2", .firstResponse, .met, fulfilled: "2026-11-20T10:30:00Z"),
        ], at: at("2026-11-20T11:00:00Z"))
        func intent(_ metric: Metric, cycle: Int = 1) -> Intent {
            Intent(ticketID: "T-1", source: "desk", metric: metric, cycle: cycle, step: "75%", kind: .warning, channel: "leads", role: .lead)
        }
        try await store.commit(TickCommit(
            at: at("2026-11-20T10:45:00Z"), intents: [intent(.firstResponse), intent(.nextReply, cycle: 2), intent(.resolution)]))
        #expect(try await store.openBreaches() == [open])
        let clocks = try await subject.open().unfulfilledClocks(source: "desk", ticketID: "T-1")
        #expect(clocks.map { "\($0.metric.rawValue)/\($0.cycle)" } == ["first_response/1", "resolution/1"])
        #expect(try await store.unfulfilledClocks(source: "other", ticketID: "T-1").isEmpty)
        #expect(try await store.unfulfilledClocks(source: "desk", ticketID: "T-2").isEmpty)
    }
}
