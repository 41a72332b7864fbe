import Foundation
import BusinessTime
import Testing
@testable import SLAEngine

/// Declared exceptions move due times as declared: `pause: true` stands matching clocks
/// still inside the window, `targets_factor` multiplies targets of tickets created in it.
@Suite("Exceptions")
struct ExceptionTests {
    /// One exception case: the ticket, the exceptions, and the due time expected, written out.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var calendar: BusinessCalendar = .alwaysOpen
        var created: String
        var tags: [String] = []
        var exceptions: [SLAException]
        var evaluatedAt: String
        var dueAt: String
        var state: ClockState
        var targetSeconds = 3600
        var testDescription: String { name }
    }

    static let outage = SLAException(
        name: "payments-outage", from: at("2026-12-03T14:00:00Z"), until: at("2026-12-03T18:00:00Z"),
        match: TicketMatch([.tags: ["payments"]]), pause: true)
    static let peak = SLAException(
        name: "black-friday", from: at("2026-11-27T05:00:00Z"), until: at("2026-12-01T04:59:59Z"),
        match: TicketMatch([.channel: ["email"]]), targetsFactor: 2)

    static let cases: [Case] = [
        Case(name: "no exception: due an hour after creation", created: "2026-12-03T13:30:00Z", tags: ["payments"],
             exceptions: [], evaluatedAt: "2026-12-03T13:40:00Z", dueAt: "2026-12-03T14:30:00Z", state: .running),
        Case(name: "a pause window declared ahead moves the due time before it begins", created: "2026-12-03T13:30:00Z",
             tags: ["payments"], exceptions: [outage], evaluatedAt: "2026-12-03T13:40:00Z",
             dueAt: "2026-12-03T18:30:00Z", state: .running),
        Case(name: "inside the window the clock is paused", created: "2026-12-03T13:30:00Z", tags: ["payments"],
             exceptions: [outage], evaluatedAt: "2026-12-03T15:00:00Z", dueAt: "2026-12-03T18:30:00Z", state: .paused),
        Case(name: "a ticket created inside the window starts counting at its end", created: "2026-12-03T15:00:00Z",
             tags: ["payments"], exceptions: [outage], evaluatedAt: "2026-12-03T18:10:00Z",
             dueAt: "2026-12-03T19:00:00Z", state: .running),
        Case(name: "a ticket that does not match is not paused", created: "2026-12-03T13:30:00Z", tags: ["login"],
             exceptions: [outage], evaluatedAt: "2026-12-03T15:00:00Z", dueAt: "2026-12-03T14:30:00Z", state: .breached),
        Case(name: "overlapping pause windows stand the clock still once", created: "2026-12-03T13:30:00Z",
             tags: ["payments"],
             exceptions: [outage, SLAException(name: "dc-move", from: at("2026-12-03T17:00:00Z"),
                                               until: at("2026-12-03T19:00:00Z"), pause: true)],
             evaluatedAt: "2026-12-03T13:40:00Z", dueAt: "2026-12-03T19:30:00Z", state: .running),
        Case(name: "targets × 2 for a ticket created inside the window", created: "2026-11-28T10:00:00Z",
             exceptions: [peak], evaluatedAt: "2026-11-28T10:30:00Z", dueAt: "2026-11-28T12:00:00Z", state: .running,
             targetSeconds: 7200),
        Case(name: "a ticket created before the window keeps its target", created: "2026-11-27T04:00:00Z",
             exceptions: [peak], evaluatedAt: "2026-11-27T04:30:00Z", dueAt: "2026-11-27T05:00:00Z", state: .running),
        Case(name: "overlapping factors: the largest applies", created: "2026-11-28T10:00:00Z",
             exceptions: [peak, SLAException(name: "holiday-weekend", from: at("2026-11-28T00:00:00Z"),
                                             until: at("2026-11-29T00:00:00Z"), targetsFactor: 1.5)],
             evaluatedAt: "2026-11-28T10:30:00Z", dueAt: "2026-11-28T12:00:00Z", state: .running, targetSeconds: 7200),
        Case(name: "a pause window on business hours counts only its open time", calendar: usOffice,
             created: "2026-12-03T15:00:00Z", tags: ["payments"],
             // Thursday 10:00 New York; the outage 09:00-13:00 New York takes 3 open hours after creation.
             exceptions: [SLAException(name: "payments-outage", from: at("2026-12-03T14:00:00Z"),
                                       until: at("2026-12-03T18:00:00Z"), pause: true)],
             evaluatedAt: "2026-12-03T15:00:00Z", dueAt: "2026-12-03T19:00:00Z", state: .paused),
    ]

    @Test(arguments: cases)
    func dueTimeMoves(_ c: Case) {
        let engine = SLAEngine(
            policies: [Policy(name: "standard", calendar: c.calendar, targets: [nil: [.firstResponse: 3600]])],
            exceptions: c.exceptions)
        let ticket = Ticket(
            id: "T-1", subject: "Card payments fail", customer: Customer(id: "acme"), priority: .high, channel: "email",
            status: .open, tags: c.tags, createdAt: at(c.created))
        let clock = engine.clocks(for: ticket, at: at(c.evaluatedAt)).only(.firstResponse)
        #expect(clock?.dueAt == at(c.dueAt))
        #expect(clock?.state == c.state)
        #expect(clock?.targetSeconds == c.targetSeconds)
    }

    @Test("paused time counts only the part of the window before the evaluation instant")
    func pausedSoFar() {
        let engine = SLAEngine(
            policies: [Policy(name: "standard", targets: [nil: [.firstResponse: 3600]])], exceptions: [Self.outage])
        let ticket = Ticket(
            id: "T-2", subject: "", customer: Customer(id: "acme"), priority: .high, status: .open, tags: ["payments"],
            createdAt: at("2026-12-03T13:30:00Z"))
        let clock = engine.clocks(for: ticket, at: at("2026-12-03T15:00:00Z")).only(.firstResponse)
        #expect(clock?.pausedSeconds == 3600)
        #expect(clock?.elapsedSeconds == 1800)
        #expect(clock?.stops.map(\.exception) == ["payments-outage"])
    }

    @Test("explain names the exception that moved a due time")
    func explainSaysWhy() {
        let engine = SLAEngine(
            policies: [Policy(name: "standard", targets: [nil: [.firstResponse: 3600]])],
            exceptions: [Self.outage, Self.peak])
        let explanation = ClockExplanation(engine: engine, calendars: [:])
        let paused = Ticket(
            id: "T-3", subject: "", customer: Customer(id: "acme"), priority: .high, status: .open, tags: ["payments"],
            createdAt: at("2026-12-03T13:30:00Z"))
        let during = explanation.explain(paused, at: at("2026-12-03T15:00:00Z"))
        #expect(during.contains("exception payments-outage (pause) from 2026-12-03T14:00:00Z until now (the window ends 2026-12-03T18:00:00Z)"))
        let before = explanation.explain(paused, at: at("2026-12-03T13:40:00Z"))
        #expect(before.contains("Exception payments-outage will stand it still from 2026-12-03T14:00:00Z to 2026-12-03T18:00:00Z"))
        let busy = Ticket(
            id: "T-4", subject: "", customer: Customer(id: "acme"), priority: .high, channel: "email", status: .open,
            createdAt: at("2026-11-28T10:00:00Z"))
        #expect(explanation.explain(busy, at: at("2026-11-28T10:30:00Z")).contains("Exception black-friday multiplies its targets by 2"))
    }
}
