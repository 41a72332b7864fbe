import BusinessTime
import Foundation
import Testing
@testable import SLAEngine

/// A large tick keeps the clocks of every ticket something is owed about: a clock stays
/// small, and what it keeps as epoch seconds and positions still reads as instants.
@Suite struct SLAClockLayoutTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func aClockTakes168Bytes() {
        #expect(MemoryLayout<SLAClock>.stride == 168)
    }

    @Test func anOutcomeTakes216Bytes() {
        #expect(MemoryLayout<ClockOutcome>.stride == 216)
    }

    @Test func instantsReadBackAsEvaluated() throws {
        let ladder = EscalationLadder(name: "default", steps: [
            LadderStep(label: "50%", threshold: .percent(50), notify: ["lead"]),
            LadderStep(label: "breach", threshold: .breach(offsetSeconds: 0), notify: ["manager"]),
        ])
        let engine = SLAEngine(
            policies: [Policy(name: "p", calendar: .alwaysOpen, targets: [nil: [.firstResponse: 3600, .resolution: 7200]])],
            ladders: ["default": ladder])
        let ticket = Ticket(id: "T-1", createdAt: start, firstResponseAt: start + 1800)
        let clocks = engine.clocks(for: ticket, at: start + 4000)

        let answered = try #require(clocks.first { $0.metric == .firstResponse })
        #expect(answered.state == .met)
        #expect(answered.startedAt == start)
        #expect(answered.dueAt == start + 3600)
        #expect(answered.fulfilledAt == start + 1800)
        #expect(answered.nextStep == nil && answered.nextStepAt == nil)
        #expect(answered.targetsFactor == nil)

        let open = try #require(clocks.first { $0.metric == .resolution })
        #expect(open.state == .running)
        #expect(open.dueAt == start + 7200)
        #expect(open.fulfilledAt == nil)
        // Half of two hours went by at one hour; the breach step is next.
        #expect(open.nextStepAt == start + 7200)
        #expect(open.nextStep?.step.threshold == .breach(offsetSeconds: 0))
        #expect(open.nextStep?.at == start + 7200)
        #expect(open.instant(atElapsed: 3600) == start + 3600)
    }

    @Test func aTargetsFactorIsKept() throws {
        let peak = SLAException(name: "peak", from: start - 60, until: start + 60, match: TicketMatch([:]), targetsFactor: 2)
        let engine = SLAEngine(
            policies: [Policy(name: "p", calendar: .alwaysOpen, targets: [nil: [.firstResponse: 3600]])], exceptions: [peak])
        let clock = try #require(engine.clocks(for: Ticket(id: "T-2", createdAt: start), at: start + 10).first)
        #expect(clock.targetSeconds == 7200)
        #expect(clock.targetsFactor?.exception == "peak")
        #expect(clock.targetsFactor?.factor == 2)
        #expect(clock.dueAt == start + 7200)
    }
}

/// Clock keys are held by the hundred thousand: each takes only its own bytes, and its
/// digest is the same whether made from its parts or read back as a key.
@Suite struct ClockKeyTests {
    @Test(arguments: [("desk:T-1", Metric.firstResponse, 1), ("T-2", .periodicUpdate, 12), ("desk:9", .nextReply, 100), ("x", .resolution, -3)])
    func aDigestOfThePartsIsTheDigestOfTheKey(ticketKey: String, metric: Metric, cycle: Int) {
        let key = ClockKey.make(ticketKey, metric, cycle)
        #expect(key == "\(ticketKey)/\(metric.rawValue)/\(cycle)")
        #expect(ClockKey.digest(ticketKey, metric, cycle) == ClockKey.digest(of: key))
        #expect(ClockKey.digest(ticketKey, metric, cycle + 1) != ClockKey.digest(of: key))
        #expect(ClockKey.decimalDigits(cycle) == String(cycle).utf8.count)
    }

    @Test func aClockKeyNamesItsTicket() {
        #expect(ClockKey.ticketKey(of: "desk:T-1/first_response/1") == "desk:T-1")
        // An id may hold `/`; the metric and cycle are the last two parts.
        #expect(ClockKey.ticketKey(of: "desk:a/b/resolution/2") == "desk:a/b")
        #expect(ClockKey.ticketKey(of: "T-2") == nil)
        #expect(ClockKey.ticketKey(of: "T-2/first_response") == nil)
    }
}
