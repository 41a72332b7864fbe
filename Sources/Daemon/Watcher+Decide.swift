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

    /// Turns an evaluation into what the tick records and sends: the planner says which
    /// intents go out now (held ones whose quiet hours ended among them), the composer
    /// words them. `stale` names the sources whose data is stale, with since when.
    func decide(
        _ evaluation: Evaluation, heldDue: [Intent], stale: [String: Date], at now: Date, into report: inout TickReport
    ) -> Decided {
        let clocks = evaluation.clocks
        let tickets = tickets
        let plan = TickPlanner.plan(
            intents: evaluation.intents, withdrawn: evaluation.withdrawn, heldDue: heldDue, stale: Set(stale.keys),
            facts: TickPlanner.Facts(
                clockIsOpen: { intent in clocks[intent.ticketKey].map { $0.isOpen(for: intent) } },
                hasCustomerEmail: { clocks[$0.ticketKey]?.ticket.customer.email != nil }
            ),
            at: now)
        let ready = plan.ready.map { number in
            let intent = plan.intent(number)
            return MessageComposer.Item(intent: intent, subject: clocks[intent.ticketKey]!)
        }
        var composed = composer.compose(ready, at: now)
        if !stale.isEmpty {
            for index in composed.indices {
                let sourcesOf = Set(composed[index].message.tickets.compactMap { tickets[$0.key]?.source })
                for source in sourcesOf.sorted() {
                    guard let since = stale[source] else { continue }
                    let note = TickPlanner.staleNote(source: source, since: since)
                    composed[index].message.text += "\n\n" + note
                    composed[index].message.html = composed[index].message.html.map { $0 + "<p><em>\(note)</em></p>" }
                }
            }
        }
        // The key of the message carrying each intent, by number.
        var messageKeys = [String?](repeating: nil, count: plan.decided.count + plan.released.count)
        for (message, carried) in composed {
            for item in carried { messageKeys[plan.ready[item]] = message.key }
        }
        let commit = TickPlanner.commit(plan, messages: composed.map(\.message), messageKeys: messageKeys, at: now)
        return Decided(commit: commit, writeBacks: writeBackPlan(plan.decided, clocks: clocks))
    }
}
