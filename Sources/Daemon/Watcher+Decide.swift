import Foundation
import SLAEngine
import StateStore

extension Watcher {
    /// What a tick decided: the commit (intents and the messages that carry them) and the
    /// ticket changes to make at the helpdesk once it is recorded.
    struct Decided {
        var commit: TickCommit
        var writeBacks: [(intent: Intent, step: LadderStep)]
    }

    /// Turns an evaluation into what the tick records and sends: which intents go out now
    /// (held ones whose quiet hours ended among them), worded by the composer.
    /// `stale` names the sources whose data is stale, with since when.
    func decide(
        _ evaluation: Evaluation, heldDue: [Intent], stale: [String: Date], at now: Date, into report: inout TickReport
    ) -> Decided {
        var withdrawn = evaluation.withdrawn
        let clocksByTicket = evaluation.clocks
        // Old data may be wrong: no warnings or customer notices from a stale source's
        // tickets (they fire once it recovers); breach pings still go out, flagged.
        let decided = stale.isEmpty ? evaluation.intents : evaluation.intents.filter { intent in
            guard let source = tickets[intent.ticketID]?.source, stale[source] != nil else { return true }
            return intent.kind != .warning && intent.kind != .customerNotice
        }

        // Held intents whose quiet hours ended go out now, unless their clock closed meanwhile.
        var released: [Intent] = []
        for held in heldDue {
            if let clock = clocksByTicket[held.ticketID]?.clock(of: held), clock.state.isOpen, !withdrawn.contains(held.id) {
                released.append(held)
            } else {
                withdrawn.append(held.id)
            }
        }

        // Messages for everything due now. Intents are numbered `decided` first, then
        // `released`; each ready item remembers its intent's number.
        var ready: [MessageComposer.Item] = []
        var origin: [Int] = []
        ready.reserveCapacity(decided.count + released.count)
        origin.reserveCapacity(decided.count + released.count)
        for (number, intent) in [decided, released].joined().enumerated()
        where intent.kind != .skipped && (intent.notBefore ?? now) <= now {
            guard let subject = clocksByTicket[intent.ticketID] else { continue }
            if intent.kind == .customerNotice && subject.ticket.customer.email == nil { continue }
            ready.append(MessageComposer.Item(intent: intent, subject: subject))
            origin.append(number)
        }
        var composed = composer.compose(ready, at: now)
        if !stale.isEmpty {
            for index in composed.indices {
                let sourcesOf = Set(composed[index].message.tickets.compactMap { tickets[$0.id]?.source })
                for source in sourcesOf.sorted() {
                    guard let since = stale[source] else { continue }
                    let note = "Data from source \(source) is stale since \(Timestamp(since)): this may be out of date."
                    composed[index].message.text += "\n\n" + note
                    composed[index].message.html = composed[index].message.html.map { $0 + "<p><em>\(note)</em></p>" }
                }
            }
        }
        // The key of the message carrying each intent, by number.
        var messageKeys = [String?](repeating: nil, count: decided.count + released.count)
        for (message, carried) in composed {
            for item in carried { messageKeys[origin[item]] = message.key }
        }

        var commit = TickCommit(at: now, intents: decided, messageKeys: Array(messageKeys[..<decided.count]))
        for (number, intent) in decided.enumerated()
        where intent.kind == .customerNotice && messageKeys[number] == nil && intent.notBefore == nil {
            commit.intents[number].kind = .skipped
            commit.intents[number].reason = "the ticket has no customer email"
        }
        commit.released = released.enumerated().compactMap { index, intent in
            messageKeys[decided.count + index].map { (intent.id, $0) }
        }
        commit.withdrawn = withdrawn
        commit.messages = composed.map(\.message)
        return Decided(commit: commit, writeBacks: writeBackPlan(decided, clocks: clocksByTicket))
    }
}
