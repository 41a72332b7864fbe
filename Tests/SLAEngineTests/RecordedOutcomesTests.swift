import BusinessTime
import Foundation
import SLAEngine
import Testing

/// What a tick checks clocks against: an outcome read back by its stored clock key holds
/// the same clock, and any change to it does not.
@Suite struct RecordedOutcomesTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    func clocks(_ ticket: Ticket, at seconds: Double) -> [SLAClock] {
        SLAEngine(policies: [Policy(name: "p", calendar: .alwaysOpen, targets: [nil: [.firstResponse: 3600, .periodicUpdate: 600]])])
            .clocks(for: ticket, at: start + seconds)
    }

    @Test(arguments: ["desk", ""])
    func aRecordReadBackByItsKeyHoldsTheSameClock(source: String) throws {
        var ticket = Ticket(id: "T-1042", createdAt: start, firstResponseAt: start + 5400)
        ticket.source = source
        // Twelve periodic-update cycles of replies every 20 minutes: cycle numbers of two digits.
        ticket.events = (1...12).map { TicketEvent(at: start + Double($0) * 1200, .agentReply(isPublic: true)) }
        let all = clocks(ticket, at: 20_000).filter { $0.state == .met || $0.state == .missed || $0.state == .breached }
        #expect(all.contains { $0.cycle >= 10 })
        var recorded = RecordedOutcomes()
        for clock in all {
            let outcome = try #require(ClockOutcome(clock, of: ticket, team: nil))
            recorded.record(clockKey: outcome.clockKey, state: outcome.state,
                            dueAt: outcome.dueAt.map { Int64($0.timeIntervalSince1970) },
                            fulfilledAt: outcome.fulfilledAt.map { Int64($0.timeIntervalSince1970) })
        }
        for clock in all { #expect(recorded.holds(clock, of: ticket), "\(clock.metric) \(clock.cycle)") }
        // Another source's ticket with the same id is another clock.
        var other = ticket
        other.source = source + "x"
        #expect(!all.contains { recorded.holds($0, of: other) })
        // The first response answered later: a changed fulfilment is not on record.
        var later = ticket
        later.firstResponseAt = start + 7200
        let changed = try #require(clocks(later, at: 20_000).first { $0.metric == .firstResponse })
        #expect(!recorded.holds(changed, of: later))
    }
}
