import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// The ladder rules on a virtual clock: 24x7, a 4 h resolution target from 10:00Z, so
/// 75% is 13:00, 90% 13:36, breach 14:00, breach+2h 16:00 and its repeats 18:00, 20:00…
@Suite final class EscalatorTests {
    static let ladder = EscalationLadder(name: "default", steps: [
        LadderStep(label: "75%", threshold: .percent(75), notify: ["lead"]),
        LadderStep(label: "90%", threshold: .percent(90), notify: ["manager"]),
        LadderStep(label: "breach", threshold: .breach(offsetSeconds: 0), notify: ["manager", "director"],
                   customerNotice: "delay_notice"),
        LadderStep(label: "breach+2h", threshold: .breach(offsetSeconds: 7200), notify: ["director"], repeatEvery: 7200),
    ])
    static let teams = [
        Team(name: "billing", match: TicketMatch([.group: ["Billing"]]),
             roles: [.lead: ["billing-leads"], .manager: ["ops-manager"], .director: ["director"]]),
        Team(name: "default", roles: [.lead: ["support-leads"], .manager: ["ops-manager"], .director: ["director"],
                                      .executive: ["exec"]]),
    ]

    var engine = SLAEngine(
        policies: [Policy(name: "p", targets: [nil: [.resolution: 4 * 3600]])], ladders: ["default": ladder]
    )
    var escalator = Escalator(teams: teams, customerChannel: "customers")
    var ticket = Ticket(
        id: "T-1", customer: Customer(id: "acme", email: "ops@acme.example"), status: .open,
        createdAt: at("2026-11-20T10:00:00Z")
    )

    func decide(_ now: String, history: [String: [LadderRecord]] = [:], earlierBreaches: Int = 0) -> Escalator.Decision {
        let clocks = engine.clocks(for: ticket, at: at(now))
        return escalator.decide(ticket: ticket, clocks: clocks, history: LadderHistory(history), earlierBreaches: earlierBreaches, now: at(now))
    }

    /// What a decision's intents recorded, as the store would hand them back.
    func history(_ decisions: Escalator.Decision...) -> [String: [LadderRecord]] {
        var result: [String: [LadderRecord]] = [:]
        for intent in decisions.flatMap(\.intents) {
            result[intent.clockKey, default: []].append(LadderRecord(
                step: intent.step, channel: intent.channel, kind: intent.kind, isHeld: intent.notBefore != nil
            ))
        }
        return result
    }

    func sent(_ decision: Escalator.Decision) -> [String] {
        decision.intents.filter { $0.kind != .skipped }.map { "\($0.step)@\($0.channel!)" }
    }

    @Test(arguments: [
        ("2026-11-20T12:59:59Z", [String]()),
        ("2026-11-20T13:00:00Z", ["75%@support-leads"]),
        ("2026-11-20T14:00:00Z", ["breach@ops-manager", "breach@director", "customer_notice@customers"]),
        ("2026-11-20T16:00:00Z", ["breach+2h@director"]),
    ])
    func eachStepFiresWhenCrossedAfterTheOnesBefore(now: String, expected: [String]) {
        // Everything earlier has fired already: only the step just crossed is owed.
        var fired: [String: [LadderRecord]] = [:]
        for step in ["75%", "90%", "breach", "breach+2h"] where at(now) > crossing(step) {
            fired["T-1/resolution/1", default: []].append(LadderRecord(step: step, channel: "x", kind: .warning))
            if step == "breach" {
                fired["T-1/resolution/1"]!.append(LadderRecord(step: "customer_notice", channel: "customers", kind: .customerNotice))
            }
        }
        let decision = decide(now, history: fired)
        #expect(sent(decision) == expected)
        #expect(decision.intents.allSatisfy { !$0.isLate })
    }

    func crossing(_ step: String) -> Date {
        ["75%": at("2026-11-20T13:00:00Z"), "90%": at("2026-11-20T13:36:00Z"), "breach": at("2026-11-20T14:00:00Z"),
         "breach+2h": at("2026-11-20T16:00:00Z")][step]!
    }

    @Test func aStepFiresOnceAcrossTicks() {
        let first = decide("2026-11-20T13:00:00Z")
        #expect(sent(first) == ["75%@support-leads"])
        #expect(first.intents[0].role == .lead)
        #expect(first.intents[0].id == "T-1/resolution/1/75%@support-leads")
        #expect(decide("2026-11-20T13:01:00Z", history: history(first)).intents.isEmpty)
    }

    @Test func repeatsHaveTheirOwnKeys() {
        var fired = history(decide("2026-11-20T16:00:00Z"))
        #expect(fired["T-1/resolution/1"]?.map(\.step).contains("breach+2h") == true)
        let second = decide("2026-11-20T18:00:00Z", history: fired)
        #expect(sent(second) == ["breach+2h#1@director"])
        #expect(second.intents[0].kind == .repeat)
        fired["T-1/resolution/1", default: []] += history(second)["T-1/resolution/1"]!
        #expect(decide("2026-11-20T19:59:00Z", history: fired).intents.isEmpty)
        #expect(sent(decide("2026-11-20T20:00:00Z", history: fired)) == ["breach+2h#2@director"])
    }

    @Test func aTicketFirstSeenLateFiresOnlyTheHighestStepOnce() {
        // Three hours after the breach: 75%, 90%, breach and breach+2h have all crossed.
        let decision = decide("2026-11-20T17:00:00Z")
        #expect(sent(decision) == ["breach+2h@director", "customer_notice@customers"])
        #expect(decision.intents.allSatisfy { $0.isLate })
        #expect(!decision.intents.contains { $0.kind == .skipped })
        #expect(decision.intents.first { $0.kind == .customerNotice }?.template == "delay_notice")
        // Once the higher step is recorded, none of the lower ones fires later.
        #expect(decide("2026-11-20T17:05:00Z", history: history(decision)).intents.isEmpty)
        #expect(decide("2026-11-20T18:00:00Z", history: history(decision)).intents.map(\.step) == ["breach+2h#1"])
    }

    @Test func aCustomerNoticeHeldBackEarlierGoesOutOnTheNextTick() {
        // The breach step fired without its notice (the source's data was stale then).
        let fired = ["T-1/resolution/1": ["75%", "90%", "breach"].map { LadderRecord(step: $0, channel: "x", kind: .warning) }]
        let decision = decide("2026-11-20T14:30:00Z", history: fired)
        #expect(sent(decision) == ["customer_notice@customers"])
        #expect(decision.intents[0].template == "delay_notice")
        #expect(decision.intents[0].isLate)
    }

    @Test func noCustomerNoticeWhenThePolicyOrTheCustomerOptedOut() {
        escalator.customerOptOut = (["no-notices"], ["internal"])
        ticket.tags = ["no-notices"]
        #expect(!sent(decide("2026-11-20T14:00:00Z")).contains { $0.hasPrefix("customer_notice") })
        ticket.tags = []
        ticket.customer.tier = "Internal"
        #expect(!sent(decide("2026-11-20T14:00:00Z")).contains { $0.hasPrefix("customer_notice") })
        ticket.customer.tier = nil
        engine = SLAEngine(
            policies: [Policy(name: "p", targets: [nil: [.resolution: 4 * 3600]], customerNotices: false)],
            ladders: ["default": Self.ladder]
        )
        #expect(!sent(decide("2026-11-20T14:00:00Z")).contains { $0.hasPrefix("customer_notice") })
    }

    @Test func aStepCrossedLongAgoIsLateEvenAlone() {
        var fired: [String: [LadderRecord]] = [:]
        fired["T-1/resolution/1"] = [LadderRecord(step: "75%", channel: "support-leads", kind: .warning)]
        let decision = decide("2026-11-20T13:50:00Z", history: fired)
        #expect(sent(decision) == ["90%@ops-manager"])
        #expect(decision.intents[0].isLate)  // crossed at 13:36, 14 minutes ago
    }

    @Test func nothingEscalatesOnceMetAndAllClearTellsWhoWasPinged() {
        var fired = history(decide("2026-11-20T13:00:00Z"))
        fired["T-1/resolution/1"]! += [LadderRecord(step: "90%", channel: "ops-manager", kind: .warning)]
        ticket.status = .solved
        ticket.events = [TicketEvent(at: at("2026-11-20T13:50:00Z"), .status(.solved))]
        #expect(decide("2026-11-20T15:00:00Z", history: fired).intents.isEmpty)

        engine = SLAEngine(policies: engine.policies, ladders: ["default": EscalationLadder(
            name: "default", steps: Self.ladder.steps, allClear: true
        )])
        let decision = decide("2026-11-20T15:00:00Z", history: fired)
        #expect(sent(decision) == ["all_clear@support-leads", "all_clear@ops-manager"])
        fired["T-1/resolution/1"]! += history(decision)["T-1/resolution/1"]!
        #expect(decide("2026-11-20T15:01:00Z", history: fired).intents.isEmpty)
    }

    @Test func aTicketMovedToAnotherTeamEscalatesToItsPeopleFromTheNextStep() {
        let first = decide("2026-11-20T13:00:00Z")
        #expect(sent(first) == ["75%@support-leads"])
        ticket.group = "Billing"
        var fired = history(first)
        fired["T-1/resolution/1"]! += [LadderRecord(step: "90%", channel: "ops-manager", kind: .warning)]
        let breach = decide("2026-11-20T14:00:00Z", history: fired)
        #expect(sent(breach) == ["breach@ops-manager", "breach@director", "customer_notice@customers"])
        ticket.group = "Billing"
        escalator.teams[0].roles[.manager] = ["billing-managers"]
        #expect(sent(decide("2026-11-20T14:00:00Z", history: fired)).first == "breach@billing-managers")
    }

    @Test(arguments: [(2, false), (3, true), (5, true)])
    func repeatedBreachesEscalateTheNextBreachToTheExecutive(earlier: Int, executive: Bool) {
        escalator.repeatedBreaches = RepeatedBreachRule(count: 3, windowSeconds: 30 * 86_400)
        var fired: [String: [LadderRecord]] = [:]
        fired["T-1/resolution/1"] = ["75%", "90%"].map { LadderRecord(step: $0, channel: "x", kind: .warning) }
        let decision = decide("2026-11-20T14:00:00Z", history: fired, earlierBreaches: earlier)
        #expect(sent(decision).contains("breach@exec") == executive)
        #expect(decision.breaches.map(\.customerID) == ["acme"])
        // The repeats that follow do not go to the executive again.
        fired["T-1/resolution/1"]! += history(decision)["T-1/resolution/1"]!
        #expect(!sent(decide("2026-11-20T16:00:00Z", history: fired, earlierBreaches: earlier)).contains { $0.hasSuffix("@exec") })
    }

    @Test(arguments: [
        ("2026-11-20T13:59:00Z", [String]()),                        // met
        ("2026-11-20T14:30:00Z", ["T-1/resolution/1@2026-11-20T14:00:00Z"]), // solved late
    ])
    func aClockSolvedLateIsABreachEvenIfNeverSeenOpenPastDue(solvedAt: String, breaches: [String]) {
        ticket.status = .solved
        ticket.solvedAt = at(solvedAt)
        let decision = decide("2026-11-20T15:00:00Z")
        #expect(decision.breaches.map { "\($0.ticketKey)/\($0.metric.rawValue)/\($0.cycle)@\(Timestamp($0.at))" } == breaches)
        #expect(decision.breaches.allSatisfy { $0.customerID == "acme" })
    }

    @Test func quietHoursHoldWarningsButNeverBreaches() {
        // Support leads hear warnings only 14:00–22:00 UTC.
        let window = try! TimeWindow(parsing: "14:00-22:00")
        escalator.quietHours["support-leads"] = BusinessCalendar(
            name: "leads-awake", timeZone: TimeZone(identifier: "UTC")!,
            week: WeeklySchedule(Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [window]) }))
        )
        let warning = decide("2026-11-20T13:00:00Z")
        #expect(warning.intents.map(\.notBefore) == [at("2026-11-20T14:00:00Z")])

        escalator.teams[1].roles[.director] = ["support-leads"]
        var fired = history(warning)
        fired["T-1/resolution/1"]! += [LadderRecord(step: "90%", channel: "ops-manager", kind: .warning)]
        let breach = decide("2026-11-20T14:00:00Z", history: fired)
        #expect(breach.intents.allSatisfy { $0.notBefore == nil })
        // The breach reaches support-leads itself, so the held warning is withdrawn.
        #expect(breach.withdrawn == ["T-1/resolution/1/75%@support-leads"])
    }

    @Test func heldMessagesAreReleasedUnderTheQuietHoursSetNow() {
        // Support leads hear warnings only 14:00–22:00 UTC; ops-manager has no quiet hours.
        let window = try! TimeWindow(parsing: "14:00-22:00")
        escalator.quietHours["support-leads"] = BusinessCalendar(
            name: "leads-awake", timeZone: TimeZone(identifier: "UTC")!,
            week: WeeklySchedule(Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [window]) }))
        )
        #expect(escalator.heldReleases(on: ["support-leads", "ops-manager"], at: at("2026-11-20T13:00:00Z"))
                == ["support-leads": at("2026-11-20T14:00:00Z"), "ops-manager": at("2026-11-20T13:00:00Z")])
        // Inside the open window, what was held goes now.
        #expect(escalator.heldReleases(on: ["support-leads"], at: at("2026-11-20T15:30:00Z")) == ["support-leads": at("2026-11-20T15:30:00Z")])
        #expect(escalator.heldReleases(on: ["support-leads"], at: at("2026-11-20T22:00:00Z")) == ["support-leads": at("2026-11-21T14:00:00Z")])
    }

    @Test func aHeldWarningIsWithdrawnWhenTheClockIsMet() {
        let fired = ["T-1/resolution/1": [LadderRecord(step: "75%", channel: "support-leads", kind: .warning, isHeld: true)]]
        ticket.events = [TicketEvent(at: at("2026-11-20T13:10:00Z"), .status(.solved))]
        ticket.status = .solved
        #expect(decide("2026-11-20T13:20:00Z", history: fired).withdrawn == ["T-1/resolution/1/75%@support-leads"])
    }

    @Test func aRoleWithoutAChannelIsSkippedWithAReason() {
        escalator.teams = [Team(name: "default", roles: [.manager: ["ops-manager"]])]
        let decision = decide("2026-11-20T13:00:00Z")
        #expect(decision.intents.count == 1)
        #expect(decision.intents[0].kind == .skipped)
        #expect(decision.intents[0].reason == "no channel for lead in team default")
    }

    @Test func aChannelNamedDirectlyIsNotARole() {
        engine = SLAEngine(policies: engine.policies, ladders: ["default": EscalationLadder(name: "default", steps: [
            LadderStep(label: "50%", threshold: .percent(50), notify: ["war-room", "lead"]),
        ])])
        let decision = decide("2026-11-20T12:00:00Z")
        #expect(decision.intents.map(\.channel) == ["war-room", "support-leads"])
        #expect(decision.intents.map(\.role) == [nil, .lead])
    }

    @Test func nextReplyCyclesHaveTheirOwnKeys() {
        engine = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.nextReply: 3600]])], ladders: ["default": Self.ladder])
        ticket.events = [
            TicketEvent(at: at("2026-11-20T10:05:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: at("2026-11-20T10:10:00Z"), .customerMessage),
            TicketEvent(at: at("2026-11-20T10:20:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: at("2026-11-20T11:00:00Z"), .customerMessage),
        ]
        let decision = decide("2026-11-20T11:45:00Z")
        #expect(decision.intents.map(\.id) == ["T-1/next_reply/2/75%@support-leads"])
    }
}
