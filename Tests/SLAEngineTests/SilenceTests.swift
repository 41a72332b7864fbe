import Foundation
import Testing
@testable import SLAEngine

/// Silences in the escalator, on a virtual clock: the ladder of `EscalatorTests` (24x7, a
/// 4 h resolution target from 10:00Z: 75% at 13:00, 90% 13:36, breach 14:00 with a customer
/// notice, breach+2h 16:00 repeating every 2 h).
@Suite struct SilenceTests {
    let engine = SLAEngine(
        policies: [Policy(name: "p", targets: [nil: [.resolution: 4 * 3600]])], ladders: ["default": EscalatorTests.ladder])
    let escalator = Escalator(teams: EscalatorTests.teams, customerChannel: "customers")
    let billing = SilenceTests.ticket("T-1", group: "Billing")
    let other = SilenceTests.ticket("T-2", group: "Support")

    static func ticket(_ id: String, group: String) -> Ticket {
        var ticket = Ticket(
            id: id, customer: Customer(id: "acme", email: "ops@acme.example"), status: .open, group: group,
            createdAt: at("2026-11-20T10:00:00Z"))
        ticket.source = "desk"
        return ticket
    }

    static func silence(
        _ id: String, group: String = "billing", breaches: Bool = false, from: String = "2026-11-20T12:00:00Z",
        until: String = "2026-11-20T15:00:00Z"
    ) -> Silence {
        Silence(
            id: id, matchers: [.group: [group]], mutesBreaches: breaches, reason: "payments incident", createdBy: "dana",
            startsAt: at(from), endsAt: at(until))
    }

    /// The ladder walked tick by tick over `times`, recording as the store would (muted
    /// intents as silenced, catch-ups sent under their own ids); returns what was told at
    /// each tick, as `step@channel` (a catch-up marked `!`), and the muted records.
    func walk(
        _ ticket: Ticket, _ times: [String], silences: [Silence]
    ) -> (told: [String: [String]], muted: [String]) {
        var history: [String: [LadderRecord]] = [:]
        var told: [String: [String]] = [:]
        for time in times {
            let clocks = engine.clocks(for: ticket, at: at(time))
            let decision = escalator.decide(
                ticket: ticket, clocks: clocks, history: LadderHistory(history), earlierBreaches: 0, now: at(time), silences: silences)
            for intent in decision.intents {
                history[intent.clockKey, default: []].append(LadderRecord(
                    step: intent.step, channel: intent.channel, kind: intent.kind, isSilenced: intent.isMuted, role: intent.role))
                if !intent.isMuted { told[time, default: []].append("\(intent.step)@\(intent.channel ?? "-")") }
            }
            for intent in decision.unsilenced {
                #expect(intent.isLate)
                let index = history[intent.clockKey]!.firstIndex { $0.step == intent.step && $0.channel == intent.channel }!
                history[intent.clockKey]![index].isSilenced = false
                told[time, default: []].append("!\(intent.step)@\(intent.channel ?? "-")")
            }
        }
        let muted = history.values.joined().filter(\.isSilenced).map { "\($0.step)@\($0.channel ?? "-")" }
        return (told, muted.sorted())
    }

    static let times = ["2026-11-20T13:00:00Z", "2026-11-20T13:36:00Z", "2026-11-20T14:00:00Z", "2026-11-20T14:30:00Z",
                        "2026-11-20T15:00:00Z", "2026-11-20T15:01:00Z", "2026-11-20T16:00:00Z"]

    @Test func withoutBreachesOnlyWarningsAreMutedAndNoCatchUpFollows() {
        let walked = walk(billing, Self.times, silences: [Self.silence("s1")])
        #expect(walked.muted == ["75%@billing-leads", "90%@ops-manager"])
        // The breach goes out as usual (and the customer hears), so the end of the silence owes nothing.
        #expect(walked.told["2026-11-20T14:00:00Z"] == ["breach@ops-manager", "breach@director", "customer_notice@customers"])
        #expect(walked.told["2026-11-20T15:00:00Z"] == nil)
        #expect(walked.told["2026-11-20T16:00:00Z"] == ["breach+2h@director"])
    }

    @Test func withBreachesTheBreachIsMutedTooAndTheEndBringsOneCatchUp() {
        let walked = walk(billing, Self.times, silences: [Self.silence("s1", breaches: true)])
        #expect(walked.muted == ["75%@billing-leads", "90%@ops-manager"])
        // Customer notices are never muted.
        #expect(walked.told["2026-11-20T14:00:00Z"] == ["customer_notice@customers"])
        #expect(walked.told["2026-11-20T14:30:00Z"] == nil)
        // Ends at 15:00 with the clock breached: the highest muted step goes out once, to its channels.
        #expect(walked.told["2026-11-20T15:00:00Z"] == ["!breach@ops-manager", "!breach@director"])
        #expect(walked.told["2026-11-20T15:01:00Z"] == nil)
        #expect(walked.told["2026-11-20T16:00:00Z"] == ["breach+2h@director"])
    }

    @Test func onlyMatchingTicketsAreMuted() {
        let walked = walk(other, Self.times, silences: [Self.silence("s1", breaches: true)])
        #expect(walked.muted.isEmpty)
        #expect(walked.told["2026-11-20T13:00:00Z"] == ["75%@support-leads"])
        #expect(walked.told["2026-11-20T14:00:00Z"] == ["breach@ops-manager", "breach@director", "customer_notice@customers"])
        #expect(walked.told["2026-11-20T15:00:00Z"] == nil)
    }

    @Test func aSilenceThatEndsBeforeTheBreachOwesNoCatchUp() {
        let walked = walk(billing, Self.times, silences: [Self.silence("s1", breaches: true, until: "2026-11-20T13:40:00Z")])
        #expect(walked.muted == ["75%@billing-leads", "90%@ops-manager"])
        #expect(walked.told["2026-11-20T14:00:00Z"] == ["breach@ops-manager", "breach@director", "customer_notice@customers"])
        #expect(walked.told.values.joined().allSatisfy { !$0.hasPrefix("!") })
    }

    @Test func aSilenceNotYetStartedOrEndedMutesNothing() {
        let later = walk(billing, Array(Self.times.prefix(2)), silences: [Self.silence("s1", from: "2026-11-20T14:00:00Z")])
        #expect(later.muted.isEmpty)
        let ended = walk(billing, Array(Self.times.prefix(2)), silences: [Self.silence("s1", until: "2026-11-20T13:00:00Z")])
        #expect(ended.muted.isEmpty)
    }

    @Test func overlappingSilencesHoldTheCatchUpUntilNoneMutes() {
        let silences = [Self.silence("s1", breaches: true), Self.silence("s2", breaches: true, until: "2026-11-20T15:30:00Z")]
        let walked = walk(billing, Array(Self.times.prefix(6)) + ["2026-11-20T15:30:00Z"], silences: silences)
        #expect(walked.told["2026-11-20T15:00:00Z"] == nil)
        #expect(walked.told["2026-11-20T15:30:00Z"] == ["!breach@ops-manager", "!breach@director"])
    }

    @Test func theCatchUpNamesTheSilenceThatEnded() {
        let silence = Self.silence("s1", breaches: true)
        let clocks = engine.clocks(for: billing, at: at("2026-11-20T15:00:00Z"))
        let history: LadderHistory = ["desk:T-1/resolution/1": [
            LadderRecord(step: "90%", channel: "ops-manager", kind: .warning, isSilenced: true, role: .manager),
            LadderRecord(step: "breach", channel: "ops-manager", kind: .breach, isSilenced: true, role: .manager),
            LadderRecord(step: "customer_notice", channel: "customers", kind: .customerNotice),
        ]]
        let decision = escalator.decide(
            ticket: billing, clocks: clocks, history: history, earlierBreaches: 0, now: at("2026-11-20T15:00:00Z"),
            silences: [silence])
        #expect(decision.intents.isEmpty)
        let catchUp = try! #require(decision.unsilenced.first)
        #expect(decision.unsilenced.count == 1)
        #expect(catchUp.id == "desk:T-1/resolution/1/breach@ops-manager")
        #expect(catchUp.kind == .breach && catchUp.role == .manager && catchUp.isLate)
        #expect(catchUp.silencing == .ended(silence))
    }

    @Test func acknowledgementsAndAllClearsSkipChannelsThatHeardNothing() {
        // Muted records told nobody: nobody hears who acknowledged or that the clock was met.
        let history: LadderHistory = ["desk:T-1/resolution/1": [LadderRecord(step: "75%", channel: "billing-leads", kind: .warning, isSilenced: true)]]
        let hold = ClockHold(kind: .ack, by: "dana", at: at("2026-11-20T13:10:00Z"), until: at("2026-11-20T17:00:00Z"))
        let held = escalator.decide(
            ticket: billing, clocks: engine.clocks(for: billing, at: at("2026-11-20T13:20:00Z")), history: history,
            earlierBreaches: 0, now: at("2026-11-20T13:20:00Z"), holds: ["desk:T-1/resolution/1": hold])
        #expect(held.intents.isEmpty)
    }

    @Test func risksAreMutedLikeWarnings() {
        let rule = RiskRule(kind: .reopened, count: 1, notify: ["lead"])
        let occurrence = RiskOccurrence(ticketID: "T-1", source: "desk", risk: .reopened, occurrence: 1, since: at("2026-11-20T12:30:00Z"), detail: "reopened")
        let decision = escalator.decideRisks(
            ticket: billing, risks: [occurrence], rules: [rule], history: [:], now: at("2026-11-20T13:00:00Z"),
            silences: [Self.silence("s1")])
        #expect(decision.intents.count == 1)
        #expect(decision.intents.allSatisfy { $0.isMuted })
    }

    @Test(arguments: [
        (Intent.Kind.warning, false, true), (.risk, false, true), (.breach, false, false), (.repeat, false, false),
        (.breach, true, true), (.repeat, true, true), (.customerNotice, true, false), (.allClear, true, false),
        (.acknowledged, true, false),
    ])
    func whatASilenceMutes(kind: Intent.Kind, breaches: Bool, muted: Bool) {
        #expect(Self.silence("s", breaches: breaches).mutes(kind) == muted)
    }
}
