import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// Each risk detector on hand-made histories: what fires, when, and the near misses that
/// must not. 24x7 unless a case says otherwise; every ticket is created Monday 2026-11-23
/// 09:00Z with the customer's first message.
@Suite struct RiskDetectorTests {
    static let created = "2026-11-23T09:00:00Z"

    static let rules = [
        RiskRule(kind: .followUps, count: 3, seconds: 24 * 3600, notify: ["lead"]),
        RiskRule(kind: .reassignments, count: 3, notify: ["manager"]),
        RiskRule(kind: .reopened, count: 1, notify: ["lead"]),
        RiskRule(kind: .pingPong, count: 3, notify: ["manager"]),
        RiskRule(kind: .stalled, seconds: 3 * 24 * 3600, notify: ["lead"]),
    ]

    static func sla(targets: [Metric: Int] = [.resolution: hours(72)], calendar: BusinessCalendar = .alwaysOpen) -> SLAEngine {
        SLAEngine(policies: [Policy(name: "standard", calendar: calendar, targets: [nil: targets])], risks: rules)
    }

    static func ticket(_ events: [(String, TicketEvent.Kind)], status: TicketStatus = .open) -> Ticket {
        Ticket(
            id: "T-1", status: status, createdAt: at(created),
            events: [TicketEvent(at: at(created), .customerMessage)] + events.map { TicketEvent(at: at($0.0), $0.1) }
        )
    }

    /// `risk#occurrence@since` for each occurrence found at `now`.
    static func found(_ ticket: Ticket, observed: [TicketEvent] = [], at now: String, sla: SLAEngine = sla()) -> [String] {
        let clocks = sla.clocks(for: ticket, observed: observed, at: at(now))
        return sla.risks(for: ticket, observed: observed, clocks: clocks, at: at(now)).map {
            "\($0.risk.rawValue)#\($0.occurrence)@\(Timestamp($0.since))"
        }
    }

    /// The case the product was started from: an hour-fast first response, three customer
    /// follow-ups, two agents, solved within target. Every clock is met; the customer was
    /// still let down, and two risks say so.
    @Test func seedCaseEveryClockMetYetFollowUpsAndReassignmentsFire() {
        let sla = Self.sla(targets: [.firstResponse: hours(1), .nextReply: hours(24), .resolution: hours(48)])
        let ticket = Self.ticket([
            ("2026-11-23T09:05:00Z", .assignee("alice")),
            ("2026-11-23T09:40:00Z", .agentReply(isPublic: true)),
            ("2026-11-23T10:00:00Z", .customerMessage),
            ("2026-11-23T13:00:00Z", .customerMessage),
            ("2026-11-23T16:00:00Z", .customerMessage),
            ("2026-11-23T16:30:00Z", .group("Tier 2")),
            ("2026-11-23T16:30:00Z", .assignee("bob")),
            ("2026-11-23T17:00:00Z", .agentReply(isPublic: true)),
            ("2026-11-24T08:00:00Z", .status(.solved)),
        ], status: .solved)
        let now = at("2026-11-24T12:00:00Z")
        let clocks = sla.clocks(for: ticket, at: now)
        #expect(clocks.map(\.metric) == [.firstResponse, .nextReply, .resolution])
        #expect(clocks.allSatisfy { $0.state == .met })
        let risks = sla.risks(for: ticket, clocks: clocks, at: now)
        #expect(risks.map { "\($0.risk.rawValue)#\($0.occurrence)@\(Timestamp($0.since))" } == [
            "follow_ups#1@2026-11-23T16:00:00Z",
            "reassignments#1@2026-11-23T16:30:00Z",
        ])
        #expect(risks[0].detail == "3 customer messages without a public answer since 2026-11-23T10:00:00Z")
        #expect(risks[1].detail == "3 group or assignee changes (1 of group, 2 of assignee) since 2026-11-23T09:05:00Z")
        #expect(risks[0].key == "T-1/risk/follow_ups/1")
    }

    @Test(arguments: [
        // Three unanswered messages within a day, the first one included.
        ("three within a day", [("2026-11-23T12:00:00Z", TicketEvent.Kind.customerMessage), ("2026-11-23T15:00:00Z", .customerMessage)],
         ["follow_ups#1@2026-11-23T15:00:00Z"]),
        // A private note answers nobody.
        ("a private note between", [("2026-11-23T10:00:00Z", .agentReply(isPublic: false)), ("2026-11-23T11:00:00Z", .customerMessage),
                                    ("2026-11-23T12:00:00Z", .customerMessage)], ["follow_ups#1@2026-11-23T12:00:00Z"]),
        // Near miss: two messages only.
        ("two", [("2026-11-23T12:00:00Z", .customerMessage)], []),
        // Near miss: a public answer before the third.
        ("answered between", [("2026-11-23T10:00:00Z", .customerMessage), ("2026-11-23T11:00:00Z", .agentReply(isPublic: true)),
                              ("2026-11-23T12:00:00Z", .customerMessage)], []),
        // Near miss: three, but the first is more than 24 h before the third.
        ("spread over two days", [("2026-11-24T08:00:00Z", .customerMessage), ("2026-11-24T09:00:00Z", .customerMessage)], []),
        // Two runs of three, separated by a public answer: two occurrences.
        ("twice", [("2026-11-23T10:00:00Z", .customerMessage), ("2026-11-23T11:00:00Z", .customerMessage),
                   ("2026-11-23T12:00:00Z", .agentReply(isPublic: true)), ("2026-11-23T13:00:00Z", .customerMessage),
                   ("2026-11-23T14:00:00Z", .customerMessage), ("2026-11-23T15:00:00Z", .customerMessage),
                   ("2026-11-23T16:00:00Z", .customerMessage)],
         ["follow_ups#1@2026-11-23T11:00:00Z", "follow_ups#2@2026-11-23T15:00:00Z"]),
    ])
    func followUps(_ name: String, events: [(String, TicketEvent.Kind)], expected: [String]) {
        let rules = [RiskRule(kind: .followUps, count: 3, seconds: 24 * 3600, notify: ["lead"])]
        let sla = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.resolution: hours(200)]])], risks: rules)
        #expect(Self.found(Self.ticket(events), at: "2026-11-24T12:00:00Z", sla: sla) == expected, "\(name)")
    }

    @Test(arguments: [
        ("the first assignment counts", [("2026-11-23T09:01:00Z", TicketEvent.Kind.assignee("alice")),
                                         ("2026-11-23T10:00:00Z", .group("Billing")), ("2026-11-23T10:00:00Z", .assignee("bob"))],
         ["reassignments#1@2026-11-23T10:00:00Z"]),
        ("near miss: two changes", [("2026-11-23T09:01:00Z", .assignee("alice")), ("2026-11-23T10:00:00Z", .assignee("bob"))], []),
        ("six changes, two occurrences", [("2026-11-23T10:00:00Z", .assignee("a")), ("2026-11-23T11:00:00Z", .assignee("b")),
                                          ("2026-11-23T12:00:00Z", .assignee("c")), ("2026-11-23T13:00:00Z", .assignee("d")),
                                          ("2026-11-23T14:00:00Z", .assignee("e")), ("2026-11-23T15:00:00Z", .assignee("f"))],
         ["reassignments#1@2026-11-23T12:00:00Z", "reassignments#2@2026-11-23T15:00:00Z"]),
        ("reopened once", [("2026-11-23T10:00:00Z", .status(.solved)), ("2026-11-23T11:00:00Z", .status(.open))],
         ["reopened#1@2026-11-23T11:00:00Z"]),
        ("near miss: solved then closed", [("2026-11-23T10:00:00Z", .status(.solved)), ("2026-11-23T11:00:00Z", .status(.closed))], []),
        ("near miss: back from pending", [("2026-11-23T10:00:00Z", .status(.pendingCustomer)), ("2026-11-23T11:00:00Z", .status(.open))], []),
        ("three round trips", [("2026-11-23T09:30:00Z", .agentReply(isPublic: true)), ("2026-11-23T10:00:00Z", .customerMessage),
                               ("2026-11-23T10:30:00Z", .agentReply(isPublic: true)), ("2026-11-23T11:00:00Z", .customerMessage),
                               ("2026-11-23T11:30:00Z", .agentReply(isPublic: true))],
         ["ping_pong#1@2026-11-23T11:30:00Z"]),
        // Near miss: the third answer came while the ticket was solved.
        ("near miss: answered while solved", [("2026-11-23T09:30:00Z", .agentReply(isPublic: true)), ("2026-11-23T10:00:00Z", .customerMessage),
                                              ("2026-11-23T10:30:00Z", .agentReply(isPublic: true)), ("2026-11-23T11:00:00Z", .customerMessage),
                                              ("2026-11-23T11:10:00Z", .status(.solved)), ("2026-11-23T11:30:00Z", .agentReply(isPublic: true))],
         []),
        // Near miss: replies with nothing asked in between are one round trip.
        ("near miss: replies in a row", [("2026-11-23T09:30:00Z", .agentReply(isPublic: true)), ("2026-11-23T10:30:00Z", .agentReply(isPublic: true)),
                                         ("2026-11-23T11:00:00Z", .agentReply(isPublic: true))], []),
    ])
    func countingDetectors(_ name: String, events: [(String, TicketEvent.Kind)], expected: [String]) {
        let rules = [
            RiskRule(kind: .reassignments, count: 3, notify: ["manager"]),
            RiskRule(kind: .reopened, count: 1, notify: ["lead"]),
            RiskRule(kind: .pingPong, count: 3, notify: ["manager"]),
        ]
        let sla = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.resolution: hours(200)]])], risks: rules)
        // The snapshot's status is the last one the events record.
        let statuses = events.compactMap { event -> (String, TicketStatus)? in
            if case .status(let status) = event.1 { return (event.0, status) } else { return nil }
        }
        let status = statuses.max { $0.0 < $1.0 }?.1 ?? .open
        #expect(Self.found(Self.ticket(events, status: status), at: "2026-11-24T12:00:00Z", sla: sla) == expected, "\(name)")
    }

    @Test func reassignmentsObservedBetweenPollsCount() {
        let rules = [RiskRule(kind: .reassignments, count: 2, notify: ["manager"])]
        let sla = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.resolution: hours(200)]])], risks: rules)
        let ticket = Ticket(id: "T-9", status: .open, group: "Billing", createdAt: at(Self.created))
        let observed = [
            TicketEvent(at: at("2026-11-23T10:00:00Z"), .group("Billing")),
            TicketEvent(at: at("2026-11-23T11:00:00Z"), .assignee("dana")),
        ]
        #expect(Self.found(ticket, observed: observed, at: "2026-11-23T12:00:00Z", sla: sla) == ["reassignments#1@2026-11-23T11:00:00Z"])
        #expect(Self.found(ticket, observed: Array(observed.prefix(1)), at: "2026-11-23T12:00:00Z", sla: sla) == [])
    }

    @Test(arguments: [
        // 8 hours without a public reply: at 17:00Z.
        ("unanswered", [(String, TicketEvent.Kind)](), "2026-11-23T17:00:00Z", ["stalled#1@2026-11-23T17:00:00Z"]),
        ("near miss: a second early", [], "2026-11-23T16:59:59Z", []),
        // Waiting on the customer does not count: two hours pending push it to 19:00Z.
        ("pending does not count", [("2026-11-23T10:00:00Z", .status(.pendingCustomer)), ("2026-11-23T12:00:00Z", .status(.open))],
         "2026-11-23T19:00:00Z", ["stalled#1@2026-11-23T19:00:00Z"]),
        // A public reply starts the stretch again; a private note does not.
        ("a reply restarts it", [("2026-11-23T12:00:00Z", .agentReply(isPublic: true)), ("2026-11-23T13:00:00Z", .agentReply(isPublic: false))],
         "2026-11-23T19:59:59Z", []),
        ("then stalls again", [("2026-11-23T12:00:00Z", .agentReply(isPublic: true))], "2026-11-23T20:00:00Z", ["stalled#1@2026-11-23T20:00:00Z"]),
    ])
    func stalled(_ name: String, events: [(String, TicketEvent.Kind)], now: String, expected: [String]) {
        let rules = [RiskRule(kind: .stalled, seconds: 8 * 3600, notify: ["lead"])]
        let sla = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.resolution: hours(200)]])], risks: rules)
        #expect(Self.found(Self.ticket(events), at: now, sla: sla) == expected, "\(name)")
    }

    @Test func stalledIsLeftToTheBreachWhenAClockIsBreached() {
        // First response due at 13:00Z, long past by the time the stall reaches 8 hours.
        let rules = [RiskRule(kind: .stalled, seconds: 8 * 3600, notify: ["lead"])]
        let sla = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.firstResponse: hours(4)]])], risks: rules)
        #expect(Self.found(Self.ticket([]), at: "2026-11-23T18:00:00Z", sla: sla) == [])
    }

    @Test func stalledCountsBusinessTimeOnTheTicketsCalendar() {
        // Monday 09:00 EST (14:00Z) on the office calendar: 8 business hours end at 17:00 EST.
        let rules = [RiskRule(kind: .stalled, seconds: 8 * 3600, notify: ["lead"])]
        let sla = SLAEngine(policies: [Policy(name: "p", calendar: usOffice, targets: [nil: [.resolution: hours(200)]])], risks: rules)
        let ticket = Ticket(id: "T-2", status: .open, createdAt: at("2026-11-23T14:00:00Z"))
        #expect(Self.found(ticket, at: "2026-11-24T12:00:00Z", sla: sla) == ["stalled#1@2026-11-23T22:00:00Z"])
    }

    @Test func onlyConfiguredDetectorsRunAndAFutureTicketHasNone() {
        let ticket = Self.ticket([("2026-11-23T10:00:00Z", .status(.solved)), ("2026-11-23T11:00:00Z", .status(.open))])
        let none = SLAEngine(policies: [Policy(name: "p", targets: [nil: [.resolution: hours(200)]])])
        #expect(Self.found(ticket, at: "2026-11-24T12:00:00Z", sla: none) == [])
        #expect(Self.found(ticket, at: "2026-11-23T08:00:00Z") == [])
    }
}
