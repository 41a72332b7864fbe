import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// The cases the product was founded on, each worked out by hand on a wall calendar.
@Suite struct SeedCaseTests {
    @Test func fridayFivePMWithFourBusinessHoursIsDueMondayOnePM() {
        // Friday 2026-11-20 17:00 EST = 22:00Z; Monday 2026-11-23 13:00 EST = 18:00Z.
        let ticket = Ticket(id: "T-1", status: .open, createdAt: at("2026-11-20T22:00:00Z"))
        let clocks = engine(targets: [.firstResponse: hours(4)]).clocks(for: ticket, at: at("2026-11-21T12:00:00Z"))
        let clock = clocks.only(.firstResponse)
        #expect(clock?.dueAt == at("2026-11-23T18:00:00Z"))
        #expect(clock?.state == .running)
        #expect(clock?.elapsedSeconds == 0)
    }

    @Test func twoHoursPendingCustomerMakesItDueTwoBusinessHoursLater() {
        // Monday 2026-11-23 09:00 EST = 14:00Z, 8 business hours: due Monday 17:00 EST (22:00Z).
        // Pending 10:00–12:00 EST (15:00Z–17:00Z): due Tuesday 11:00 EST (16:00Z).
        let created = at("2026-11-23T14:00:00Z")
        let plain = Ticket(id: "T-2", status: .open, createdAt: created)
        var paused = plain
        paused.events = [
            TicketEvent(at: at("2026-11-23T15:00:00Z"), .status(.pendingCustomer)),
            TicketEvent(at: at("2026-11-23T17:00:00Z"), .status(.open)),
        ]
        let sla = engine(targets: [.resolution: hours(8)])
        let now = at("2026-11-23T20:00:00Z")
        let unpausedClock = sla.clocks(for: plain, at: now).only(.resolution)
        let pausedClock = sla.clocks(for: paused, at: now).only(.resolution)
        #expect(unpausedClock?.dueAt == at("2026-11-23T22:00:00Z"))
        #expect(pausedClock?.dueAt == at("2026-11-24T16:00:00Z"))
        // 09:00–15:00 EST is 6 h of which 2 h paused.
        #expect(pausedClock?.elapsedSeconds == hours(4))
        #expect(pausedClock?.pausedSeconds == hours(2))
        #expect(pausedClock?.stops.map(\.status) == [.pendingCustomer])
    }

    @Test func enterpriseSecurityTicketTakesTheMostAggressiveTarget() {
        let sla = SLAEngine(policies: [
            Policy(name: "standard", calendar: usOffice, targets: [.normal: [.firstResponse: hours(4)]]),
            Policy(name: "enterprise", match: TicketMatch([.customerTier: ["enterprise"]]),
                   targets: [nil: [.firstResponse: hours(1), .resolution: hours(4)]]),
            Policy(name: "security", match: TicketMatch([.tags: ["security"]]), targets: [nil: [.firstResponse: hours(1)]]),
        ])
        // Saturday 2026-11-21 10:00 EST = 15:00Z: the office calendar would give Monday 13:00 EST.
        let ticket = Ticket(
            id: "T-3", customer: Customer(id: "acme", tier: "enterprise"), priority: .normal, status: .open,
            tags: ["security"], createdAt: at("2026-11-21T15:00:00Z")
        )
        let clock = sla.clocks(for: ticket, at: at("2026-11-21T15:10:00Z")).only(.firstResponse)
        #expect(clock?.targetSeconds == 3600)
        #expect(clock?.dueAt == at("2026-11-21T16:00:00Z"))
        // enterprise and security tie at 16:00Z; enterprise is listed first.
        #expect(clock?.policy == "enterprise")
        #expect(clock?.calendar == "24x7")
        #expect(clock?.candidates.map(\.policy) == ["standard", "enterprise", "security"])
        #expect(clock?.candidates.first?.dueAt == at("2026-11-23T18:00:00Z"))

        // Without the enterprise tier, security's hour still beats the office's four.
        var plain = ticket
        plain.customer.tier = nil
        let security = sla.clocks(for: plain, at: at("2026-11-21T15:10:00Z")).only(.firstResponse)
        #expect(security?.policy == "security")
        #expect(security?.dueAt == at("2026-11-21T16:00:00Z"))
    }

    @Test func theDayBeforeAHolidayCarriesIntoTheDayAfter() {
        // Wednesday 2026-11-25 15:00 EST (20:00Z) + 4 business hours: 2 h on Wednesday,
        // Thanksgiving closed, 2 h on Friday: Friday 2026-11-27 11:00 EST = 16:00Z.
        let ticket = Ticket(id: "T-4", status: .open, createdAt: at("2026-11-25T20:00:00Z"))
        let clock = engine(targets: [.firstResponse: hours(4)]).clocks(for: ticket, at: at("2026-11-25T21:00:00Z"))
            .only(.firstResponse)
        #expect(clock?.dueAt == at("2026-11-27T16:00:00Z"))
    }
}
