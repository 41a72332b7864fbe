import Foundation
import GRDB
import Testing
@testable import SLAEngine
@testable import StateStore

/// What the store keeps for surges and group targets.
@Suite struct SurgeStoreTests {
    @Test func theFirstObservedGroupChangeRecordsTheGroupLeftSinceCreation() throws {
        let path = temporaryDatabase()
        var store = try StateStore(path: path)
        var ticket = Ticket(id: "T-1", status: .open, group: "Engineering", createdAt: at("2026-11-20T10:00:00Z"))
        _ = try store.observe([ticket], source: "s", at: at("2026-11-20T10:01:00Z"))
        ticket.group = "Support"
        _ = try store.observe([ticket], source: "s", at: at("2026-11-20T12:00:00Z"))
        ticket.group = "Billing"
        let history = try store.observe([ticket], source: "s", at: at("2026-11-20T13:00:00Z"))
        let expected = [
            TicketEvent(at: at("2026-11-20T10:00:00Z"), .group("Engineering")),
            TicketEvent(at: at("2026-11-20T12:00:00Z"), .group("Support")),
            TicketEvent(at: at("2026-11-20T13:00:00Z"), .group("Billing")),
        ]
        #expect(history["T-1"] == expected)
        // Read back by a new process.
        store = try StateStore(path: path)
        #expect(try store.observe([ticket], source: "s", at: at("2026-11-20T14:00:00Z"))["T-1"] == expected)
    }

    @Test func samplesAndSurgesAreKeptWithTheTicksCommit() throws {
        let path = temporaryDatabase()
        let store = try StateStore(path: path)
        var commit = TickCommit(at: at("2026-11-30T15:10:00Z"))
        let hour = SurgeDetector.hour(of: at("2026-11-30T15:10:00Z"))
        commit.surges.samples = [(.group, SurgeSample(hour: hour, open: ["Billing": 20, "Support": 1]))]
        let surge = ActiveSurge(by: .group, value: "Billing", since: at("2026-11-30T15:10:00Z"), channels: ["a", "b"])
        commit.surges.started = [surge]
        try store.commit(commit)
        // A later tick of the same hour replaces its sample; one nine days old is dropped.
        var later = TickCommit(at: at("2026-11-30T15:40:00Z"))
        later.surges.samples = [(.group, SurgeSample(hour: hour, open: ["Billing": 18]))]
        try store.commit(later)
        var old = TickCommit(at: at("2026-11-21T15:10:00Z"))
        old.surges.samples = [(.group, SurgeSample(hour: hour - 9 * 24, open: ["Billing": 3]))]
        try store.commit(old)
        var next = TickCommit(at: at("2026-11-30T16:10:00Z"))
        next.surges.samples = [(.group, SurgeSample(hour: hour + 1, open: [:]))]
        try store.commit(next)

        let state = try StateStore(path: path).surgeState(sinceHour: hour - 10 * 24)
        #expect(state.history[.group] == [SurgeSample(hour: hour, open: ["Billing": 18]), SurgeSample(hour: hour + 1, open: [:])])
        #expect(state.active == [surge])

        var ended = TickCommit(at: at("2026-11-30T17:10:00Z"))
        ended.surges.ended = [surge]
        try store.commit(ended)
        #expect(try store.surgeState(sinceHour: hour).active.isEmpty)
    }
}
