import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// The engine's fan-in over a run of tickets: clocks, intents and counts, pure.
@Suite struct TicketEvaluationTests {
    let engine = SLAEngine(
        policies: [Policy(name: "p", targets: [nil: [.resolution: 4 * 3600]])], ladders: ["default": EscalatorTests.ladder]
    )
    let escalator = Escalator(teams: EscalatorTests.teams, customerChannel: "customers")

    func ticket(_ id: String, createdAt: String, customer: String = "acme") -> Ticket {
        Ticket(id: id, customer: Customer(id: customer, email: "ops@\(customer).example"), status: .open, createdAt: at(createdAt))
    }

    @Test func clocksAreKeptOnlyForTicketsSomethingIsOwedAbout() {
        // At 14:30: A (from 10:00) is past its 14:00 breach; B (from 14:00) owes nothing yet; C is asked for.
        let tickets = [
            ticket("A", createdAt: "2026-11-20T10:00:00Z"), ticket("B", createdAt: "2026-11-20T14:00:00Z"),
            ticket("C", createdAt: "2026-11-20T14:10:00Z"),
        ]
        let result = engine.evaluate(
            tickets, in: 0..<3, escalator: escalator, history: [:], observed: { _ in [] }, earlierBreaches: { _ in 0 },
            keeping: ["C"], now: at("2026-11-20T14:30:00Z"))
        #expect(result.kept.map(\.position) == [0, 2])
        #expect(result.clockCount == 3)
        #expect(result.breached == 1)
        #expect(result.clockStates == [.breached: 1, .running: 2])
        #expect(Set(result.intents.map(\.ticketID)) == ["A"])
        #expect(result.breaches.map(\.ticketKey) == ["A"])
        // B's 75% (3 h) at 17:00 comes before C's at 17:10 and A's breach+2h at 16:00 comes first of all.
        #expect(result.nextThreshold == at("2026-11-20T16:00:00Z"))
    }

    @Test func partsMergeIntoTheWhole() {
        let tickets = (0..<6).map { ticket("T-\($0)", createdAt: "2026-11-20T1\($0):00:00Z", customer: "c\($0 % 2)") }
        let now = at("2026-11-20T15:30:00Z")
        func run(_ range: Range<Int>) -> TicketEvaluation {
            engine.evaluate(tickets, in: range, escalator: escalator, history: [:], observed: { _ in [] },
                            earlierBreaches: { _ in 0 }, keeping: [], now: now)
        }
        let whole = run(0..<6)
        var merged = run(0..<2)
        merged.merge(run(2..<6))
        #expect(merged.intents.map(\.id) == whole.intents.map(\.id))
        #expect(merged.kept.map(\.position) == whole.kept.map(\.position))
        #expect(merged.clockCount == whole.clockCount && merged.breached == whole.breached && merged.atRisk == whole.atRisk)
        #expect(merged.nextThreshold == whole.nextThreshold)
    }

    @Test func aCustomersEarlierBreachesReachTheExecutive() {
        let tickets = [ticket("A", createdAt: "2026-11-20T10:00:00Z")]
        let result = engine.evaluate(
            tickets, in: 0..<1, escalator: Escalator(
                teams: EscalatorTests.teams, customerChannel: "customers", repeatedBreaches: RepeatedBreachRule(count: 1, windowSeconds: 86_400)),
            history: [:], observed: { _ in [] }, earlierBreaches: { $0.customer.id == "acme" ? 1 : 0 }, keeping: [],
            now: at("2026-11-20T14:00:00Z"))
        #expect(result.intents.contains { $0.channel == "exec" })
    }
}
