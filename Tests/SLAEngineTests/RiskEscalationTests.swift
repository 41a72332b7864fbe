import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// How risks become intents: once per occurrence, to the rule's role in the ticket's team,
/// held by quiet hours like a warning, never to the customer, nothing about solved tickets.
@Suite struct RiskEscalationTests {
    static let rules = [RiskRule(kind: .reopened, count: 1, notify: ["lead"]), RiskRule(kind: .reassignments, count: 2, notify: ["manager"])]
    static let sla = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.resolution: hours(200)]])], risks: rules)
    static let teams = [
        Team(name: "billing", match: TicketMatch([.group: ["Billing"]]), roles: [.lead: ["billing-leads"], .manager: ["ops-manager"]]),
        Team(name: "default", roles: [.lead: ["support-leads"]]),
    ]
    /// Open Monday to Friday 09:00–17:00 in New York.
    static let escalator = Escalator(teams: teams, quietHours: ["billing-leads": usOffice], customerChannel: "customers")

    /// Reopened twice by Tuesday 2026-11-24 15:00Z (10:00 EST, office hours).
    static func ticket(status: TicketStatus = .open, group: String = "Billing") -> Ticket {
        Ticket(
            id: "T-5", status: status, group: group, createdAt: at("2026-11-23T14:00:00Z"),
            events: [
                TicketEvent(at: at("2026-11-23T15:00:00Z"), .status(.solved)),
                TicketEvent(at: at("2026-11-23T16:00:00Z"), .status(.open)),
                TicketEvent(at: at("2026-11-24T14:00:00Z"), .status(.solved)),
                TicketEvent(at: at("2026-11-24T14:59:00Z"), .status(.open)),
            ]
        )
    }

    static func decide(_ ticket: Ticket, history: [String: [LadderRecord]] = [:], at now: String) -> Escalator.Decision {
        let clocks = sla.clocks(for: ticket, at: at(now))
        let risks = sla.risks(for: ticket, clocks: clocks, at: at(now))
        return escalator.decideRisks(ticket: ticket, risks: risks, rules: rules, history: LadderHistory(history), now: at(now))
    }

    static func recorded(_ intents: [Intent], held: Bool = false) -> [String: [LadderRecord]] {
        Dictionary(grouping: intents, by: \.clockKey).mapValues { intents in
            intents.map { LadderRecord(step: $0.step, channel: $0.channel, kind: $0.kind, isHeld: held) }
        }
    }

    @Test func aDaemonFirstSeeingTheTicketFiresTheLatestOccurrenceOnceMarkedLate() {
        let decision = Self.decide(Self.ticket(), at: "2026-11-24T15:00:00Z")
        #expect(decision.intents.map(\.id) == ["T-5/risk/reopened/2@billing-leads"])
        #expect(decision.intents[0].stepKey == "T-5/risk/reopened/2")
        #expect(decision.intents[0].kind == .risk)
        #expect(decision.intents[0].role == .lead)
        #expect(decision.intents[0].isLate)
        #expect(decision.intents[0].notBefore == nil)
        // Recorded, it never fires again.
        #expect(Self.decide(Self.ticket(), history: Self.recorded(decision.intents), at: "2026-11-24T15:05:00Z").intents.isEmpty)
    }

    @Test func aFreshOccurrenceIsNotLateAndOnlyTheNewOneFires() {
        let earlier = Intent(ticketID: "T-5", risk: .reopened, occurrence: 1, channel: "billing-leads", role: .lead)
        let decision = Self.decide(Self.ticket(), history: Self.recorded([earlier]), at: "2026-11-24T15:00:00Z")
        #expect(decision.intents.map(\.id) == ["T-5/risk/reopened/2@billing-leads"])
        #expect(decision.intents[0].isLate == false)
    }

    @Test func quietHoursHoldARiskAndALaterOccurrenceWithdrawsTheHeldOne() {
        // The first reopen alone, seen at 04:00Z Tuesday (23:00 EST Monday): held until 09:00 EST (14:00Z).
        var night = Self.ticket()
        night.events = Array(night.events.prefix(2))
        let held = Self.decide(night, at: "2026-11-24T04:00:00Z")
        #expect(held.intents.map(\.id) == ["T-5/risk/reopened/1@billing-leads"])
        #expect(held.intents[0].notBefore == at("2026-11-24T14:00:00Z"))
        let later = Self.decide(Self.ticket(), history: Self.recorded(held.intents, held: true), at: "2026-11-24T15:00:00Z")
        #expect(later.intents.map(\.id) == ["T-5/risk/reopened/2@billing-leads"])
        #expect(later.withdrawn == ["T-5/risk/reopened/1@billing-leads"])
    }

    @Test func nothingFiresAboutASolvedTicketOrToCustomers() {
        #expect(Self.decide(Self.ticket(status: .solved), at: "2026-11-24T16:00:00Z").intents.isEmpty)
        let decision = Self.decide(Self.ticket(), at: "2026-11-24T15:00:00Z")
        #expect(!decision.intents.contains { $0.channel == "customers" || $0.kind == .customerNotice })
    }

    @Test func aRoleTheTeamLacksIsRecordedAsSkipped() {
        // The default team has no manager: two group changes reach reassignments, with nowhere to go.
        var ticket = Self.ticket(group: "Support")
        ticket.events = [
            TicketEvent(at: at("2026-11-23T15:00:00Z"), .group("Support")),
            TicketEvent(at: at("2026-11-23T16:00:00Z"), .assignee("dana")),
        ]
        let decision = Self.decide(ticket, at: "2026-11-23T16:00:00Z")
        #expect(decision.intents.map(\.kind) == [.skipped])
        #expect(decision.intents[0].stepKey == "T-5/risk/reassignments/1")
        #expect(decision.intents[0].reason == "no channel for manager in team default")
    }
}
