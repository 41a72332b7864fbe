import Foundation
import SLAEngine
import StateStore
import Testing
@testable import Daemon

/// Risk intents in the tick planner: held back like warnings while their source is stale,
/// and a held one withdrawn once its ticket is solved.
@Suite struct RiskPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func aStaleSourceHoldsRisksBackUntilItRecovers() {
        let risk = Intent(ticketID: "A", source: "desk", risk: .followUps, occurrence: 1, channel: "leads", role: .lead)
        let facts = TickPlanner.Facts(clockIsOpen: { _ in true }, hasCustomerEmail: { _ in true })
        let stale = TickPlanner.plan(intents: [risk], withdrawn: [], heldDue: [], stale: ["desk"], facts: facts, at: Self.now)
        #expect(stale.decided.isEmpty)
        let fresh = TickPlanner.plan(intents: [risk], withdrawn: [], heldDue: [], stale: [], facts: facts, at: Self.now)
        #expect(fresh.decided.map(\.id) == ["desk:A/risk/follow_ups/1@leads"])
        #expect(fresh.ready == [0])
    }

    @Test func aHeldRiskGoesOutWhileItsTicketIsOpenAndIsWithdrawnOnceSolved() {
        let open = MessageComposer.TicketClocks(ticket: Ticket(id: "A", status: .open, createdAt: Self.now), clocks: [])
        let solved = MessageComposer.TicketClocks(ticket: Ticket(id: "B", status: .solved, createdAt: Self.now), clocks: [])
        let heldA = Intent(ticketID: "A", risk: .reopened, occurrence: 1, channel: "leads", notBefore: Self.now)
        let heldB = Intent(ticketID: "B", risk: .reopened, occurrence: 1, channel: "leads", notBefore: Self.now)
        let clocks = ["A": open, "B": solved]
        let facts = TickPlanner.Facts(
            clockIsOpen: { intent in clocks[intent.ticketKey].map { $0.isOpen(for: intent) } }, hasCustomerEmail: { _ in false }
        )
        let plan = TickPlanner.plan(intents: [], withdrawn: [], heldDue: [heldA, heldB], stale: [], facts: facts, at: Self.now)
        #expect(plan.released.map(\.id) == ["A/risk/reopened/1@leads"])
        #expect(plan.withdrawn == ["B/risk/reopened/1@leads"])
    }
}
