import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// Clock semantics on the 24x7 calendar, where business time is plain elapsed time, so
/// every expected instant can be checked with a watch.
@Suite struct ClockTests {
    let created = at("2026-11-20T10:00:00Z")

    func clocks(_ ticket: Ticket, at now: String, targets: [Metric: Int], pause: PauseRules = PauseRules()) -> [SLAClock] {
        engine(calendar: .alwaysOpen, targets: targets, pause: pause).clocks(for: ticket, at: at(now))
    }

    @Test(arguments: [
        // (now, expected state, elapsed minutes)
        ("2026-11-20T10:30:00Z", ClockState.running, 30),
        ("2026-11-20T11:00:00Z", ClockState.breached, 60),
        ("2026-11-20T12:15:00Z", ClockState.breached, 135),
    ])
    func openFirstResponse(now: String, state: ClockState, elapsedMinutes: Int) {
        let ticket = Ticket(id: "T", status: .open, createdAt: created)
        let clock = clocks(ticket, at: now, targets: [.firstResponse: 3600]).only(.firstResponse)
        #expect(clock?.state == state)
        #expect(clock?.elapsedSeconds == elapsedMinutes * 60)
        #expect(clock?.remainingSeconds == 3600 - elapsedMinutes * 60)
        #expect(clock?.dueAt == at("2026-11-20T11:00:00Z"))
    }

    @Test func metAndMissedByThePublicReply() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:20:00Z"), .agentReply(isPublic: false)),
            TicketEvent(at: at("2026-11-20T10:50:00Z"), .agentReply(isPublic: true)),
        ]
        let met = clocks(ticket, at: "2026-11-20T12:00:00Z", targets: [.firstResponse: 3600]).only(.firstResponse)
        #expect(met?.state == .met)
        #expect(met?.fulfilledAt == at("2026-11-20T10:50:00Z"))
        #expect(met?.elapsedSeconds == 50 * 60)
        #expect(met?.nextStep == nil)

        let missed = clocks(ticket, at: "2026-11-20T12:00:00Z", targets: [.firstResponse: 1800]).only(.firstResponse)
        #expect(missed?.state == .missed)
        #expect(missed?.remainingSeconds == -20 * 60)
    }

    @Test func firstResponseAtFromTheSourceWinsOverEvents() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created, firstResponseAt: at("2026-11-20T10:40:00Z"))
        ticket.events = [TicketEvent(at: at("2026-11-20T10:55:00Z"), .agentReply(isPublic: true))]
        let clock = clocks(ticket, at: "2026-11-20T12:00:00Z", targets: [.firstResponse: 3600]).only(.firstResponse)
        #expect(clock?.fulfilledAt == at("2026-11-20T10:40:00Z"))
    }

    @Test func aPrivateNoteNeverCountsAsAReply() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [TicketEvent(at: at("2026-11-20T10:10:00Z"), .agentReply(isPublic: false))]
        let clock = clocks(ticket, at: "2026-11-20T10:30:00Z", targets: [.firstResponse: 3600]).only(.firstResponse)
        #expect(clock?.state == .running)
        #expect(clock?.fulfilledAt == nil)
    }

    @Test func pausedWhilePendingCustomerAndProjectedFromNow() {
        var ticket = Ticket(id: "T", status: .pendingCustomer, createdAt: created)
        ticket.events = [TicketEvent(at: at("2026-11-20T10:20:00Z"), .status(.pendingCustomer))]
        let clock = clocks(ticket, at: "2026-11-20T11:00:00Z", targets: [.resolution: 3600]).only(.resolution)
        #expect(clock?.state == .paused)
        #expect(clock?.elapsedSeconds == 20 * 60)
        #expect(clock?.pausedSeconds == 40 * 60)
        // 40 minutes left if it resumed at 11:00.
        #expect(clock?.dueAt == at("2026-11-20T11:40:00Z"))
        #expect(clock?.stops.first?.end == nil)
    }

    @Test func pauseStatusesArePerMetric() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:10:00Z"), .status(.onHold)),
            TicketEvent(at: at("2026-11-20T10:40:00Z"), .status(.open)),
        ]
        let pause = PauseRules([.resolution: [.pendingCustomer, .onHold]])
        let result = clocks(ticket, at: "2026-11-20T11:00:00Z", targets: [.firstResponse: 7200, .resolution: 7200], pause: pause)
        // first_response pauses only on pending_customer (the default), so on_hold counts.
        #expect(result.only(.firstResponse)?.elapsedSeconds == 60 * 60)
        #expect(result.only(.resolution)?.elapsedSeconds == 30 * 60)
        #expect(result.only(.resolution)?.dueAt == at("2026-11-20T12:30:00Z"))
    }

    @Test func resolutionResumesOnReopen() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T11:00:00Z"), .status(.solved)),
            TicketEvent(at: at("2026-11-20T13:00:00Z"), .customerMessage),
            TicketEvent(at: at("2026-11-20T13:00:00Z"), .status(.open)),
        ]
        let solvedThen = clocks(ticket, at: "2026-11-20T12:00:00Z", targets: [.resolution: 4 * 3600]).only(.resolution)
        #expect(solvedThen?.state == .met)
        #expect(solvedThen?.fulfilledAt == at("2026-11-20T11:00:00Z"))

        let reopened = clocks(ticket, at: "2026-11-20T14:00:00Z", targets: [.resolution: 4 * 3600]).only(.resolution)
        #expect(reopened?.state == .running)
        // 1 h before the solve, 1 h since the reopen; the 2 h solved spell does not count.
        #expect(reopened?.elapsedSeconds == 2 * 3600)
        #expect(reopened?.dueAt == at("2026-11-20T16:00:00Z"))
        #expect(reopened?.stops.map(\.status) == [.solved])
    }

    @Test func solvedSnapshotWithoutEventsStopsAtSolvedAt() {
        let ticket = Ticket(id: "T", status: .solved, createdAt: created, solvedAt: at("2026-11-20T15:00:00Z"))
        let clock = clocks(ticket, at: "2026-11-21T00:00:00Z", targets: [.resolution: 4 * 3600]).only(.resolution)
        #expect(clock?.state == .missed)
        #expect(clock?.fulfilledAt == at("2026-11-20T15:00:00Z"))
        #expect(clock?.elapsedSeconds == 5 * 3600)
    }

    @Test func anUnrecordedStatusChangeIsPlacedAtUpdatedAt() {
        let ticket = Ticket(id: "T", status: .pendingCustomer, createdAt: created, updatedAt: at("2026-11-20T10:30:00Z"))
        let clock = clocks(ticket, at: "2026-11-20T11:00:00Z", targets: [.resolution: 3600]).only(.resolution)
        #expect(clock?.state == .paused)
        #expect(clock?.elapsedSeconds == 30 * 60)
    }

    @Test func eventsAfterTheEvaluationInstantAreIgnored() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [TicketEvent(at: at("2026-11-20T10:50:00Z"), .agentReply(isPublic: true))]
        let before = clocks(ticket, at: "2026-11-20T10:40:00Z", targets: [.firstResponse: 3600]).only(.firstResponse)
        #expect(before?.state == .running)
        #expect(clocks(ticket, at: "2026-11-20T09:00:00Z", targets: [.firstResponse: 3600]).isEmpty)
    }

    @Test func nextReplyOpensACyclePerUnansweredCustomerMessage() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:00:00Z"), .customerMessage),
            TicketEvent(at: at("2026-11-20T10:30:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: at("2026-11-20T11:00:00Z"), .customerMessage),   // cycle 1 opens
            TicketEvent(at: at("2026-11-20T11:10:00Z"), .customerMessage),   // joins cycle 1
            TicketEvent(at: at("2026-11-20T11:20:00Z"), .agentReply(isPublic: false)),
            TicketEvent(at: at("2026-11-20T12:30:00Z"), .agentReply(isPublic: true)),  // meets cycle 1, late
            TicketEvent(at: at("2026-11-20T13:00:00Z"), .customerMessage),   // cycle 2 opens
        ]
        let result = clocks(ticket, at: "2026-11-20T13:45:00Z", targets: [.nextReply: 3600])
        let cycles = result.filter { $0.metric == .nextReply }
        #expect(cycles.map(\.cycle) == [1, 2])
        #expect(cycles[0].startedAt == at("2026-11-20T11:00:00Z"))
        #expect(cycles[0].fulfilledAt == at("2026-11-20T12:30:00Z"))
        #expect(cycles[0].state == .missed)
        #expect(cycles[1].startedAt == at("2026-11-20T13:00:00Z"))
        #expect(cycles[1].state == .running)
        #expect(cycles[1].elapsedSeconds == 45 * 60)
    }

    @Test func nextReplyHasNoCycleBeforeTheFirstReply() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:00:00Z"), .customerMessage),
            TicketEvent(at: at("2026-11-20T10:05:00Z"), .customerMessage),
        ]
        #expect(clocks(ticket, at: "2026-11-20T11:00:00Z", targets: [.nextReply: 3600]).isEmpty)
    }

    @Test func periodicUpdateRunsFromCreationAndEachPublicReply() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:45:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: at("2026-11-20T11:15:00Z"), .agentReply(isPublic: false)),
            TicketEvent(at: at("2026-11-20T12:00:00Z"), .agentReply(isPublic: true)),
        ]
        let result = clocks(ticket, at: "2026-11-20T12:30:00Z", targets: [.periodicUpdate: 3600])
            .filter { $0.metric == .periodicUpdate }
        #expect(result.map(\.state) == [.met, .missed, .running])
        #expect(result.map(\.startedAt) == [at("2026-11-20T10:00:00Z"), at("2026-11-20T10:45:00Z"), at("2026-11-20T12:00:00Z")])
        #expect(result.last?.dueAt == at("2026-11-20T13:00:00Z"))
    }

    @Test func periodicUpdateStopsWhileSolvedAndRestartsOnReopen() {
        var ticket = Ticket(id: "T", status: .open, createdAt: created)
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:30:00Z"), .status(.solved)),
            TicketEvent(at: at("2026-11-20T12:00:00Z"), .status(.open)),
        ]
        let result = clocks(ticket, at: "2026-11-20T12:10:00Z", targets: [.periodicUpdate: 3600])
        #expect(result.map(\.state) == [.met, .running])
        #expect(result.last?.startedAt == at("2026-11-20T12:00:00Z"))
    }

    @Test func aPriorityChangeRetargetsFromTheClocksStart() {
        let sla = SLAEngine(policies: [Policy(name: "p", targets: [
            .normal: [.firstResponse: 4 * 3600], .urgent: [.firstResponse: 1800],
        ])])
        var ticket = Ticket(id: "T", priority: .urgent, status: .open, createdAt: created)
        ticket.events = [TicketEvent(at: at("2026-11-20T11:00:00Z"), .priority(.urgent))]
        let clock = sla.clocks(for: ticket, at: at("2026-11-20T11:05:00Z")).only(.firstResponse)
        #expect(clock?.targetSeconds == 1800)
        #expect(clock?.dueAt == at("2026-11-20T10:30:00Z"))
        #expect(clock?.state == .breached)
    }

    @Test func policiesOnlyCountWhenTheyMatchAndSetATarget() {
        let sla = SLAEngine(policies: [
            Policy(name: "billing", match: TicketMatch([.group: ["Billing"]]), targets: [nil: [.firstResponse: 600]]),
            Policy(name: "low-only", targets: [.low: [.firstResponse: 300]]),
            Policy(name: "base", targets: [nil: [.firstResponse: 3600]]),
        ])
        let ticket = Ticket(id: "T", priority: .high, status: .open, group: "billing", createdAt: created)
        #expect(sla.clocks(for: ticket, at: at("2026-11-20T10:01:00Z")).only(.firstResponse)?.policy == "billing")
        var other = ticket
        other.group = "Sales"
        let clock = sla.clocks(for: other, at: at("2026-11-20T10:01:00Z")).only(.firstResponse)
        #expect(clock?.policy == "base")
        #expect(clock?.candidates.map(\.policy) == ["base"])
    }
}
