import Foundation
import Testing
@testable import SLAEngine
@testable import StateStore

/// The ladder history a store keeps in memory reads as the table reads after a restart,
/// through every change a held record goes through.
@Suite struct LadderCacheTests {
    static func held(_ ticket: String, channel: String = "managers") -> Intent {
        Intent(ticketID: ticket, source: "desk", metric: .resolution, cycle: 1, step: "90%", kind: .warning,
               channel: channel, role: .manager, notBefore: at("2026-11-20T13:00:00Z"))
    }

    @Test(arguments: Backend.allCases) func heldRecordsReadTheSameAfterEveryChangeAndARestart(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        let (released, withdrawn, muted, waiting) = (Self.held("A"), Self.held("B"), Self.held("C"), Self.held("D"))
        // Recorded twice in one tick: one record.
        try await store.commit(TickCommit(at: at("2026-11-20T12:00:00Z"), intents: [released, withdrawn, muted, waiting, waiting]))
        #expect(try await store.ladderHistory().recordCount == 4)
        try await store.commit(TickCommit(
            at: at("2026-11-20T13:00:00Z"), released: [(released.id, "m1")], withdrawn: [withdrawn.id], messages: [
                OutboundMessage(key: "m1", channel: "managers", subject: "s", text: "t", createdAt: at("2026-11-20T13:00:00Z")),
            ]))
        var commit = TickCommit(at: at("2026-11-20T13:00:00Z"))
        commit.muted = [(muted.id, Silence(
            id: "0123456789ab", matchers: [:], mutesBreaches: true, reason: "incident", createdBy: nil,
            startsAt: at("2026-11-20T12:00:00Z"), endsAt: at("2026-11-20T14:00:00Z")))]
        try await store.commit(commit)
        let expected: LadderHistory = [
            "desk:A/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning)],
            "desk:B/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .skipped)],
            // A record muted after its hold keeps the role it was held with, for the catch-up.
            "desk:C/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning, isSilenced: true, role: .manager)],
            "desk:D/resolution/1": [LadderRecord(step: "90%", channel: "managers", kind: .warning, isHeld: true)],
        ]
        #expect(try await store.ladderHistory() == expected)
        #expect(try await subject.open().ladderHistory() == expected)
        #expect(try await store.ladderHistory().records(ticketKey: "desk:C", metric: .resolution, cycle: 1).map(\.role) == [.manager])
    }
}
