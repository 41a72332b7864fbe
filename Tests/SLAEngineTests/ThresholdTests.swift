import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// Ladder thresholds reported as instants on each clock.
@Suite struct ThresholdTests {
    let ladder = EscalationLadder(name: "default", steps: [
        LadderStep(label: "75%", threshold: .percent(75), notify: ["lead"]),
        LadderStep(label: "90%", threshold: .percent(90), notify: ["manager"]),
        LadderStep(label: "breach", threshold: .breach(offsetSeconds: 0), notify: ["manager", "director"],
                   customerNotice: "delay_notice"),
        LadderStep(label: "breach+2h", threshold: .breach(offsetSeconds: 7200), notify: ["director"], repeatEvery: 7200),
    ])

    func clock(at now: String, calendar: BusinessCalendar = .alwaysOpen, created: String = "2026-11-20T10:00:00Z",
               target: Int = 4 * 3600) -> SLAClock? {
        let ticket = Ticket(id: "T", status: .open, createdAt: at(created))
        return engine(calendar: calendar, targets: [.resolution: target], ladders: ["default": ladder])
            .clocks(for: ticket, at: at(now)).only(.resolution)
    }

    @Test func everyStepHasItsInstant() {
        let c = clock(at: "2026-11-20T10:30:00Z")
        #expect(c?.thresholds.map(\.step.label) == ["75%", "90%", "breach", "breach+2h"])
        #expect(c?.thresholds.map(\.at) == [
            at("2026-11-20T13:00:00Z"), at("2026-11-20T13:36:00Z"), at("2026-11-20T14:00:00Z"), at("2026-11-20T16:00:00Z"),
        ])
        #expect(c?.nextStep?.step.label == "75%")
        #expect(c?.nextStep?.at == at("2026-11-20T13:00:00Z"))
    }

    @Test(arguments: [
        ("2026-11-20T13:00:00Z", "90%", "2026-11-20T13:36:00Z", 0),
        ("2026-11-20T13:50:00Z", "breach", "2026-11-20T14:00:00Z", 0),
        ("2026-11-20T14:00:00Z", "breach+2h", "2026-11-20T16:00:00Z", 0),
        ("2026-11-20T16:00:00Z", "breach+2h", "2026-11-20T18:00:00Z", 1),
        ("2026-11-20T19:30:00Z", "breach+2h", "2026-11-20T20:00:00Z", 2),
    ])
    func nextStepIsTheFirstCrossingAfterNow(now: String, label: String, expected: String, repetition: Int) {
        let c = clock(at: now)
        #expect(c?.nextStep?.step.label == label)
        #expect(c?.nextStep?.at == at(expected))
        #expect(c?.nextStep?.repetition == repetition)
    }

    @Test func thresholdsRunOnBusinessTime() {
        // Friday 2026-11-20 13:00 EST (18:00Z), 4 business hours on the office calendar:
        // 75% = 3 h → Friday 16:00 EST; breach → Friday 17:00 EST, the end of the window that
        // completes the target, not Monday's opening; breach+2h → Monday 11:00 EST.
        let c = clock(at: "2026-11-20T18:30:00Z", calendar: usOffice, created: "2026-11-20T18:00:00Z")
        #expect(c?.thresholds.map(\.at) == [
            at("2026-11-20T21:00:00Z"), at("2026-11-20T21:36:00Z"), at("2026-11-20T22:00:00Z"), at("2026-11-23T16:00:00Z"),
        ])
    }

    @Test func aFulfilledClockHasNoNextStep() {
        var ticket = Ticket(id: "T", status: .solved, createdAt: at("2026-11-20T10:00:00Z"))
        ticket.events = [TicketEvent(at: at("2026-11-20T11:00:00Z"), .status(.solved))]
        let c = engine(calendar: .alwaysOpen, targets: [.resolution: 3600], ladders: ["default": ladder])
            .clocks(for: ticket, at: at("2026-11-20T12:00:00Z")).only(.resolution)
        #expect(c?.state == .met)
        #expect(c?.nextStep == nil)
    }

    @Test func noLadderMeansNoThresholds() {
        let ticket = Ticket(id: "T", status: .open, createdAt: at("2026-11-20T10:00:00Z"))
        let c = engine(calendar: .alwaysOpen, targets: [.resolution: 3600]).clocks(for: ticket, at: at("2026-11-20T10:10:00Z"))
            .only(.resolution)
        #expect(c?.thresholds.isEmpty == true)
        #expect(c?.nextStep == nil)
        #expect(c?.ladder == nil)
    }
}

@Suite struct LadderChoiceTests {
    @Test func eachMetricCanHaveItsOwnLadder() {
        let fast = EscalationLadder(name: "fast", steps: [LadderStep(label: "50%", threshold: .percent(50), notify: ["lead"])])
        let slow = EscalationLadder(name: "slow", steps: [LadderStep(label: "breach", threshold: .breach(offsetSeconds: 0), notify: ["manager"])])
        let engine = SLAEngine(
            policies: [Policy(name: "p", targets: [nil: [.firstResponse: 3600, .resolution: 7200]], ladder: "fast",
                              ladders: [.resolution: "slow"])],
            ladders: ["fast": fast, "slow": slow]
        )
        let ticket = Ticket(id: "T", status: .open, createdAt: at("2026-11-20T10:00:00Z"))
        let clocks = engine.clocks(for: ticket, at: at("2026-11-20T10:10:00Z"))
        #expect(clocks.only(.firstResponse)?.ladder?.name == "fast")
        #expect(clocks.only(.resolution)?.ladder?.name == "slow")
        #expect(clocks.only(.firstResponse)?.nextStep?.at == at("2026-11-20T10:30:00Z"))
        #expect(clocks.only(.resolution)?.nextStep?.at == at("2026-11-20T12:00:00Z"))
    }
}
