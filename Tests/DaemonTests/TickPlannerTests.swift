import Foundation
import SLAEngine
import StateStore
import Testing
@testable import Daemon

/// The tick planner alone: which intents go out now, with the world given as plain facts.
@Suite struct TickPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func intent(_ ticket: String, _ step: String, _ kind: Intent.Kind, channel: String = "leads", notBefore: Date? = nil) -> Intent {
        Intent(ticketID: ticket, source: ["A": "desk", "B": "desk", "C": "mail"][ticket] ?? "", metric: .firstResponse, cycle: 1, step: step, kind: kind, channel: channel, notBefore: notBefore)
    }

    /// Tickets A and B from source `desk`, C from `mail`; every clock open but B's; only A has a customer email.
    static var facts: TickPlanner.Facts { TickPlanner.Facts(
        clockIsOpen: { ["A": true, "B": false, "C": true][$0.ticketID] },
        hasCustomerEmail: { $0.ticketID == "A" }
    ) }

    @Test func aStaleSourceHoldsWarningsAndCustomerNoticesButNotBreaches() {
        let intents = [
            Self.intent("A", "75%", .warning), Self.intent("A", "breach", .breach),
            Self.intent("A", "breach", .customerNotice, channel: "customers"), Self.intent("C", "75%", .warning),
        ]
        let plan = TickPlanner.plan(intents: intents, withdrawn: [], heldDue: [], stale: ["desk"], facts: Self.facts, at: Self.now)
        #expect(plan.decided.map(\.id) == [intents[1].id, intents[3].id])
        #expect(plan.ready == [0, 1])
        let fresh = TickPlanner.plan(intents: intents, withdrawn: [], heldDue: [], stale: [], facts: Self.facts, at: Self.now)
        #expect(fresh.decided.count == 4)
    }

    @Test func heldIntentsAreReleasedWhileTheirClockIsOpenAndWithdrawnOtherwise() {
        let heldA = Self.intent("A", "75%", .warning, notBefore: Self.now)
        let heldB = Self.intent("B", "75%", .warning, notBefore: Self.now)
        let heldGone = Self.intent("Z", "75%", .warning, notBefore: Self.now)
        let heldWithdrawn = Self.intent("C", "75%", .warning, notBefore: Self.now)
        let plan = TickPlanner.plan(
            intents: [], withdrawn: [heldWithdrawn.id], heldDue: [heldA, heldB, heldGone, heldWithdrawn], stale: [],
            facts: Self.facts, at: Self.now)
        #expect(plan.released.map(\.id) == [heldA.id])
        #expect(Set(plan.withdrawn) == [heldB.id, heldGone.id, heldWithdrawn.id])
        #expect(plan.ready == [0])
    }

    @Test func quietHoursAndSkippedStepsAreNotWorded() {
        let later = Self.intent("A", "75%", .warning, notBefore: Self.now + 3600)
        let skipped = Self.intent("A", "90%", .skipped)
        let outOfView = Self.intent("Z", "breach", .breach)
        let plan = TickPlanner.plan(intents: [later, skipped, outOfView], withdrawn: [], heldDue: [], stale: [], facts: Self.facts, at: Self.now)
        #expect(plan.decided.count == 3)
        #expect(plan.ready.isEmpty)
    }

    @Test func aCustomerNoticeWithNobodyToTellIsRecordedAsSkipped() {
        let noEmail = Self.intent("C", "breach", .customerNotice, channel: "customers")
        let withEmail = Self.intent("A", "breach", .customerNotice, channel: "customers")
        let held = Self.intent("A", "75%", .warning, notBefore: Self.now)
        let plan = TickPlanner.plan(intents: [noEmail, withEmail], withdrawn: [], heldDue: [held], stale: [], facts: Self.facts, at: Self.now)
        #expect(plan.ready == [1, 2])
        // One part with every ready intent: the one worded, then the one with nobody to tell.
        let commit = TickPlanner.commit(plan, numbers: [1, 2], messages: [], messageKeys: [nil, "m-A", "m-held"], first: true, at: Self.now)
        #expect(commit.intents.map(\.kind) == [.customerNotice, .skipped])
        #expect(commit.intents[1].reason == "the ticket has no customer email")
        #expect(commit.messageKeys == ["m-A", nil])
        #expect(commit.released.map(\.messageKey) == ["m-held"])
        #expect(commit.released.map(\.id) == [held.id])
        // The same plan committed whole, in one part: the same intents, in plan order.
        let whole = TickPlanner.commit(plan, numbers: nil, messages: [], messageKeys: [nil, "m-A", "m-held"], first: true, at: Self.now)
        #expect(whole.intents.map(\.kind) == [.skipped, .customerNotice])
        #expect(whole.messageKeys == [nil, "m-A"])
        #expect(whole.released.map(\.messageKey) == ["m-held"])
    }

    @Test func laterPartsCarryOnlyTheirOwnIntents() {
        let intents = (0..<4).map { Self.intent("A", "\($0 * 10)%", .warning) } + [Self.intent("C", "75%", .warning, notBefore: Self.now + 60)]
        let plan = TickPlanner.plan(intents: intents, withdrawn: ["gone"], heldDue: [], stale: [], facts: Self.facts, at: Self.now)
        #expect(plan.ready == [0, 1, 2, 3])
        let first = TickPlanner.commit(plan, numbers: [0, 1], messages: [], messageKeys: ["m0", "m1", nil, nil, nil], first: true, at: Self.now)
        // The first part records the held intent (no message) and the withdrawn ones.
        #expect(first.intents.map(\.step) == ["0%", "10%", "75%"])
        #expect(first.messageKeys == ["m0", "m1", nil])
        #expect(first.withdrawn == ["gone"])
        let second = TickPlanner.commit(plan, numbers: [2, 3], messages: [], messageKeys: ["m0", "m1", "m2", "m3", nil], first: false, at: Self.now)
        #expect(second.intents.map(\.step) == ["20%", "30%"])
        #expect(second.messageKeys == ["m2", "m3"])
        #expect(second.withdrawn.isEmpty)
    }

    @Test func partsKeepDigestsWholeAndATicketInOnePart() {
        // Items 0-9: tickets T0 T0 T1 T1 … ; items 4 and 7 go to a digest.
        let ticket = (0..<10).map { "T\($0 / 2)" }
        let parts = TickPlanner.parts(of: 0..<10, size: 3, isDigest: { $0 == 4 || $0 == 7 }, ticketOf: { ticket[$0] })
        #expect(parts == [[4, 7, 0, 1], [2, 3, 5], [6, 8, 9]])
        #expect(TickPlanner.parts(of: 0..<0, size: 3, isDigest: { _ in false }, ticketOf: { _ in "" }) == [[]])
    }

    /// Deciding looks a ticket's clocks up once for a run of its intents: a ticket with the
    /// same id in another source is another ticket, and a ticket seen again after another
    /// is looked up again.
    @Test func aRunOfIntentsAboutOneTicketGetsItsClocksAndNoOtherTicketsOnes() {
        var clocks: [String: MessageComposer.TicketClocks] = [:]
        for source in ["desk", "mail"] {
            for id in ["1", "2"] {
                var ticket = Ticket(id: id, subject: "\(source) \(id)", createdAt: Self.now)
                ticket.source = source
                clocks[ticket.key] = MessageComposer.TicketClocks(ticket: ticket, clocks: [])
            }
        }
        let subject = SubjectLookup(clocks)
        let asked = [("desk", "1"), ("desk", "1"), ("mail", "1"), ("desk", "1"), ("desk", "2"), ("desk", "2"), ("mail", "3"), ("mail", "2")]
        let subjects = asked.map { source, id in
            subject(Intent(ticketID: id, source: source, metric: .firstResponse, cycle: 1, step: "75%", kind: .warning, channel: "leads"))?
                .ticket.subject
        }
        #expect(subjects == ["desk 1", "desk 1", "mail 1", "desk 1", "desk 2", "desk 2", nil, "mail 2"])
    }

    /// A large tick lets go of a ticket's clocks once every item about it is worded: its
    /// digest line (first part) and its notice (a later part) hold it until both are.
    @Test func aTicketsClocksAreFreedOnceAllItsItemsAreReleased() {
        let intents = [Self.intent("A", "75%", .warning), Self.intent("A", "breach", .customerNotice, channel: "customers"),
                       Self.intent("B", "75%", .warning)]
        let plan = TickPlanner.Plan(decided: intents, released: [], withdrawn: [], ready: [0, 1, 2])
        var a: MessageComposer.TicketClocks? = MessageComposer.TicketClocks(ticket: Ticket(id: "A", createdAt: Self.now), clocks: [])
        var b: MessageComposer.TicketClocks? = MessageComposer.TicketClocks(ticket: Ticket(id: "B", createdAt: Self.now), clocks: [])
        weak var aFreed = a, bFreed = b
        var items = ReadyItems(plan: plan, subjects: [a!, a!, b!])
        (a, b) = (nil, nil)
        items.release([0, 2])
        #expect(aFreed != nil, "A's notice is not worded yet")
        #expect(bFreed == nil)
        #expect(items[1].subject.ticket.id == "A")
        items.release([1])
        #expect(aFreed == nil)
    }
}

/// Silences in the planner: muted intents are recorded, not worded; a held warning whose
/// quiet hours end under a silence is muted then; a silence's catch-up goes out like a
/// released intent.
@Suite struct TickPlannerSilenceTests {
    static let silence = Silence(
        id: "s1", matchers: [.group: ["billing"]], mutesBreaches: false, reason: "incident", createdBy: nil,
        startsAt: TickPlannerTests.now - 60, endsAt: TickPlannerTests.now + 3600)

    @Test func mutedIntentsAreRecordedButNotWordedAndHeldOnesAreMutedWhenTheirHoursEnd() {
        var muted = TickPlannerTests.intent("A", "75%", .warning)
        muted.silencing = .muted(Self.silence)
        let breach = TickPlannerTests.intent("A", "breach", .breach)
        let heldA = TickPlannerTests.intent("A", "50%", .warning, channel: "quiet", notBefore: TickPlannerTests.now)
        let heldC = TickPlannerTests.intent("C", "50%", .warning, channel: "quiet", notBefore: TickPlannerTests.now)
        var facts = TickPlannerTests.facts
        facts.muting = { $0.ticketID == "A" && $0.kind == .warning ? Self.silence : nil }
        let plan = TickPlanner.plan(
            intents: [muted, breach], withdrawn: [], heldDue: [heldA, heldC], stale: [], facts: facts, at: TickPlannerTests.now)
        #expect(plan.ready == [1, 2])
        #expect(plan.released.map(\.id) == [heldC.id])
        #expect(plan.muted.map(\.id) == [heldA.id])
        let commit = TickPlanner.commit(
            plan, numbers: [1, 2], messages: [], messageKeys: [nil, "b", "c"], first: true, at: TickPlannerTests.now)
        #expect(commit.intents.map(\.id) == [breach.id, muted.id])
        #expect(commit.messageKeys == ["b", nil])
        #expect(commit.muted.map(\.id) == [heldA.id])
        #expect(commit.released.map(\.messageKey) == ["c"])
    }

    @Test func aCatchUpAfterASilenceGoesOutUnderItsOwnId() {
        var catchUp = TickPlannerTests.intent("A", "breach", .breach)
        catchUp.isLate = true
        catchUp.silencing = .ended(Self.silence)
        let plan = TickPlanner.plan(
            intents: [], withdrawn: [], heldDue: [], unsilenced: [catchUp], stale: [], facts: TickPlannerTests.facts,
            at: TickPlannerTests.now)
        #expect(plan.released.map(\.id) == [catchUp.id])
        #expect(plan.ready == [0])
        let commit = TickPlanner.commit(plan, numbers: [0], messages: [], messageKeys: [catchUp.id], first: true, at: TickPlannerTests.now)
        #expect(commit.intents.isEmpty)
        #expect(commit.released.map(\.id) == [catchUp.id])
    }
}
